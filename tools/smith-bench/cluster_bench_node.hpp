// A full in-process smithd node (tree, cluster, optional plugins) for the plugin_load and
// propagation scenarios; bridge_workload.hpp's bench_node is the bridge-only kind.
#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <spdlog/spdlog.h>

#include "actors/node/node.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

/// Lowers the log level to warn for its lifetime: the nodes log their trees at info, and the
/// bench's output is its figures.
struct quiet_logs {
  spdlog::level::level_enum before = spdlog::get_level();
  quiet_logs() { spdlog::set_level(spdlog::level::warn); }
  ~quiet_logs() { spdlog::set_level(before); }
  quiet_logs(const quiet_logs&) = delete;
  quiet_logs& operator=(const quiet_logs&) = delete;
};

/// The lib/ next to smith-bench's bin/, where the plugins are built.
std::string bench_plugin_dir();

/// One node with its own actor system, configured like the bench's. Members are declared so
/// that the plugin host outlives the actor system (plugin code stays mapped until it is gone).
struct cluster_bench_node {
  domain::domain_catalog catalog;
  /// Only for nodes started with `plugins`: loads from the lib/ next to smith-bench's bin/.
  std::unique_ptr<plugin::plugin_host> host;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<actors::node> node;

  ~cluster_bench_node();

  /// Starts node `name` on the NATS server at `url`, replicating through KV bucket `bucket`.
  /// Errors: the config's or node::start()'s.
  caf::error start(const options& opts, const std::string& name, const std::string& url,
                   const std::string& bucket, bool plugins = false);

  /// This node's registry actor.
  registry::registry_actor registry() const;
};

} // namespace smith::bench
