// The node's bridge actor: agents reachable over NATS, and calls to agents anywhere.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/bridge/service_endpoints.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/inbound.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/core/inline_executor.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::actors {

/// Pools of plugin domains (loaded at boot or at runtime), shared by the node (which changes
/// it) and its bridge (which subscribes to it, also after a restart), its $SRV responder (INFO
/// and STATS list their endpoints) and its membership (heartbeats list their domains).
/// Thread-safe.
class route_set {
public:
  using pool_list = std::vector<std::pair<std::string, std::string>>;
  /// Adds pools (domain, pool, agent type); pools already present are kept once.
  void add(const std::vector<service_pool>& pools);
  /// Removes pools (domain, pool).
  void remove(const pool_list& pools);
  /// The pools now (domain, pool), in insertion order.
  pool_list pools() const;
  /// The pools now with their agent types, in insertion order.
  std::vector<service_pool> services() const;
  /// The domains of the pools now, sorted, each once.
  std::vector<std::string> domains() const;

private:
  mutable std::mutex mtx_;
  std::vector<service_pool> pools_;
};

/// What a bridge needs. The catalog must outlive the bridge (main owns it).
struct bridge_options {
  /// This node's name.
  std::string node;
  /// The node's NATS connections; null runs the bridge without NATS (local calls only).
  std::shared_ptr<bridge::nats_link> link;
  const domain::domain_catalog* catalog = nullptr;
  /// Limits applied to every inbound message.
  bridge::inbound_limits limits;
  /// Pools this node hosts (domain, pool): each gets a queue-group subscription.
  std::vector<std::pair<std::string, std::string>> pools;
  /// Domains this node hosts: each gets a broadcast subscription.
  std::vector<std::string> domains;
  /// Pools of runtime-loaded domains (optional): each gets a queue-group subscription, and
  /// their domains a broadcast one, whenever the bridge starts or receives `routes`.
  std::shared_ptr<route_set> dynamic;
  /// Inline dispatch (`[bridge] inline_dispatch`): an agent that a NATS delivery thread
  /// posts a request or one-way message to, and a caller that it delivers a reply to, run
  /// on that delivery thread (core::inline_dispatch), if idle. Off: CAF schedules them.
  core::inline_options inline_dispatch;
  /// Whether one-way messages (casts) run their agent inline as well (`[bridge]
  /// inline_one_way`). Off by default: no one waits on a cast, and under a flood the delivery
  /// thread validating the next message while a worker runs the agent is faster than one
  /// thread doing both (docs/BENCHMARKS.md, session 8).
  bool inline_one_way = false;
};

/// Spawns a bridge and publishes it under bridge::bridge_name. It follows the node's
/// registry (agents of this node) to keep its subscriptions current.
bridge::bridge_actor spawn_bridge(caf::actor_system& sys, bridge_options opts);

/// A permanent worker child spec ("bridge") that starts one.
supervision::child_spec bridge_child(bridge_options opts);

/// The id of bridge_child() under the root supervisor.
inline constexpr const char* bridge_child_id = "bridge";

} // namespace smith::actors
