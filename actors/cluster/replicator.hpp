// The replicator: this node's registry changes out to the cluster, other nodes' changes in.
#pragma once

#include <caf/fwd.hpp>

#include "actors/cluster/cluster_api.hpp"
#include "actors/cluster/cluster_children.hpp"

namespace smith::cluster {

/// Spawns the replicator of node `opts.node` (change stream instance `opts.instance`, which
/// must be set) and publishes it under replicator_name. It
/// - watches the registry's records of this node and, per change, publishes a
///   RegistryChange (sequence from 1 per instance, by exactly 1) on
///   `smith.registry.events.{node}` and puts/erases the record in the KV bucket
///   (key `{node}.{instance}`); every kv_refresh it re-puts all of them (and erases stale
///   keys of this node) so live entries never reach the bucket's max age (3 * kv_refresh);
/// - answers `smith.registry.sync.{node}` with all local records, their digest and the
///   sequence they include (its own mirror: consistent with the sequence);
/// - applies other nodes' changes to the registry (apply_remote / remove_remote) in
///   sequence order; an unknown node or instance, a gap, a failed apply, or a heartbeat
///   disagreeing with the local view (checked every anti_entropy_interval) triggers a sync
///   request (asynchronous: reply inbox subscription + timer) and replace_node with the
///   answer; changes arriving meanwhile are buffered and replayed;
/// - at start, after a reconnect of the bulk connection and after a registry restart,
///   seeds the view of every other node from the KV bucket (replace_node per node, those
///   nodes reported to membership with `expect`), then syncs every known node.
/// - answers `barrier` (timeout_ms) with a barrier_report once every peer not down has
///   confirmed (BarrierResponse) that its registry applied this node's changes up to the
///   current sequence and the KV writer has acknowledged every write queued before, or at the
///   timeout with what is missing; answers other nodes' BarrierRequests on its sync subject
///   once their changes are applied here (or at their deadline, with what is applied).
///   The caller must have seen its change in this node's registry first (the registry told
///   the replicator before it answered the caller).
/// Replies to `local_state` (digest + sequence for heartbeats). Takes peer_up, peer_down
/// and peer_beat from membership. On exit with reason shutdown (or normal) it erases this
/// node's KV entries. Fails at start when the node is not a KV-safe subject token or a
/// subscription fails.
caf::actor spawn_replicator(caf::actor_system& sys, cluster_options opts);

} // namespace smith::cluster
