// The node's bridge actor: agents reachable over NATS, and calls to agents anywhere.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/inbound.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::actors {

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
};

/// Spawns a bridge and publishes it under bridge::bridge_name. It follows the node's
/// registry (agents of this node) to keep its subscriptions current.
bridge::bridge_actor spawn_bridge(caf::actor_system& sys, bridge_options opts);

/// A permanent worker child spec ("bridge") that starts one.
supervision::child_spec bridge_child(bridge_options opts);

} // namespace smith::actors
