// The pieces of the NATS scenarios: in-process Smith nodes, and raw nats.c for the baselines.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>

#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/nats/header_list.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tools/smith-bench/bench.hpp"

struct __natsConnection;

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace smith::agent {
struct agent_type;
} // namespace smith::agent

namespace smith::bench {

/// The domain every NATS scenario addresses (the examples domain, real agents).
inline constexpr const char* bench_domain = "examples";

/// One Smith node inside the bench process: its own actor system with a registry, a NATS
/// link (the two connections of runtime/bridge/nats_link.hpp) and a bridge. The catalog must
/// outlive the node. The destructor stops every actor it started and closes the link.
class bench_node {
public:
  /// Starts node `name` against the server at `url`. Errors: those of open_link.
  static caf::expected<std::unique_ptr<bench_node>> start(const options& opts, std::string name,
                                                          const std::string& url,
                                                          const domain::domain_catalog& catalog);
  ~bench_node();
  bench_node(const bench_node&) = delete;
  bench_node& operator=(const bench_node&) = delete;

  caf::actor_system& system() noexcept { return *sys_; }
  const std::string& name() const noexcept { return name_; }
  const bridge::bridge_actor& bridge() const noexcept { return bridge_; }
  const registry::registry_actor& registry() const noexcept { return registry_; }

  /// Starts agent `agent_name` of examples type `type` on this node (it registers with the
  /// node's registry, so the bridge subscribes it). Errors: unknown type, invalid name.
  caf::expected<caf::actor> spawn_agent(const std::string& type, const std::string& agent_name,
                                        size_t mailbox_capacity);

  /// Starts agent `agent_name` of `type` in `domain` with `settings` on this node (registered
  /// like spawn_agent; stopped by the destructor). Errors: invalid name, failed spawn.
  caf::expected<caf::actor> spawn_typed(const std::string& domain, const agent::agent_type& type,
                                        const std::string& agent_name, size_t mailbox_capacity,
                                        std::map<std::string, std::string> settings = {});

  /// The bridge's counters. Errors: the request's.
  caf::expected<bridge::bridge_stats> stats();

private:
  bench_node() = default;

  std::string name_;
  const domain::domain_catalog* catalog_ = nullptr;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::shared_ptr<bridge::nats_link> link_;
  registry::registry_actor registry_;
  bridge::bridge_actor bridge_;
  std::vector<caf::actor> agents_;
};

/// A catalog holding the examples domain (echo, counter).
caf::expected<std::unique_ptr<domain::domain_catalog>> examples_catalog();

/// Calls `action` of `target` from `from` (through its bridge) until a call succeeds or
/// `limit` passes: the remote subscription is live and the whole path is warm.
caf::error wait_reachable(bench_node& from, const bridge::agent_ref& target,
                          const std::string& action, const google::protobuf::Message& req,
                          std::chrono::seconds limit);

/// What one Smith message puts on the wire: subject, headers and protobuf bytes, built with
/// the bridge's own functions (runtime/bridge/wire.hpp, subject.hpp).
struct envelope {
  std::string subject;
  nats::header_list headers;
  std::string body;
};

/// The request envelope the bridge would publish for `action` of `target` with `msg`.
caf::expected<envelope> request_envelope(const bridge::agent_ref& target, const std::string& action,
                                         const google::protobuf::Message& msg,
                                         const std::string& sender);

/// The reply envelope (subject left empty) the bridge would send for `msg`.
envelope reply_envelope(const google::protobuf::Message& msg);

/// A raw nats.c connection for the baselines (nats.c defaults: a delivery thread per
/// subscription, no global pool), optionally with SendAsap.
class raw_connection {
public:
  /// Errors: nats_errc values from runtime/nats.
  static caf::expected<std::unique_ptr<raw_connection>> connect(const std::string& url,
                                                                bool send_asap);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  __natsConnection* get() noexcept { return nc_; }

  /// Publishes `env` (headers, body) to `subject` (nullptr: env.subject) with reply subject
  /// `reply` (nullptr: none).
  caf::error publish(const envelope& env, const char* reply, const char* subject = nullptr);

  /// Waits until the server processed everything sent so far.
  caf::error flush();

private:
  raw_connection() = default;
  __natsConnection* nc_ = nullptr;
};

/// q-quantile (nearest rank below) of `xs` in nanoseconds, as microseconds.
double percentile_us(std::vector<int64_t> xs, double q);

} // namespace smith::bench
