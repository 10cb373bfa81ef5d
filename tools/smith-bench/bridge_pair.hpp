// What the two bridge scenarios share: their nats-server, the examples catalog, two nodes.
#pragma once

#include <chrono>
#include <memory>

#include <caf/expected.hpp>

#include "runtime/domain/domain_catalog.hpp"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/bridge_workload.hpp"
#include "tools/smith-bench/nats_launcher.hpp"

namespace smith::bench {

/// How long a bridge scenario's round may take before it fails.
inline constexpr std::chrono::seconds bridge_scenario_limit{120};

/// What every repetition of a NATS scenario shares: the server and the catalog.
struct nats_setup {
  std::unique_ptr<nats_launcher> server;
  std::unique_ptr<domain::domain_catalog> catalog;
};

/// Starts the bench's nats-server and loads the examples catalog. Errors: either's.
caf::expected<std::shared_ptr<nats_setup>> make_setup();

/// Two nodes: "a" calls, "b" hosts the agents.
struct node_pair {
  std::unique_ptr<bench_node> a;
  std::unique_ptr<bench_node> b;
};

/// Starts node b, then node a, on `env`'s server. Errors: bench_node::start's.
caf::expected<node_pair> start_pair(const options& opts, const nats_setup& env);

} // namespace smith::bench
