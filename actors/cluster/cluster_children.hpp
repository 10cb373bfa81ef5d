// The cluster actors of a node (membership, replicator) as supervisor children.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bridge/nats_link.hpp"
#include "runtime/config/node_config.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::cluster {

/// What the cluster actors need. `link` must be connected; it is shared with the bridge.
struct cluster_options {
  /// This node's name (a subject token of KV-safe bytes).
  std::string node;
  std::shared_ptr<bridge::nats_link> link;
  config::cluster_config cfg;
  /// Domains hosted here (announced in heartbeats).
  std::vector<std::string> domains;
  /// Smith version (announced in heartbeats).
  std::string version;
  /// Process instance UUID announced by both actors; empty = generate one per process.
  std::string instance;
  /// Domains hosted here that come and go (plugins), read at every heartbeat and announced
  /// with `domains` (sorted, each once); null = none. Called on membership's thread.
  std::function<std::vector<std::string>()> dynamic_domains;
  /// The node runs a bridge: a local agent's registration is announced only once the bridge
  /// confirms (bridge::routed_atom) that its subscription reached the NATS server.
  bool await_bridge = false;
};

/// Two permanent workers, in start order: "membership" (heartbeats, down detection) and
/// "replicator" (registry changes <-> NATS events and the JetStream KV bucket,
/// anti-entropy). Add them after the registry and the bridge: both find the registry under
/// registry::registry_name when they need it. The first start of each uses the process
/// instance; a restart uses a fresh UUID so peers resync (sequences restart with it).
std::vector<supervision::child_spec> cluster_children(cluster_options opts);

} // namespace smith::cluster
