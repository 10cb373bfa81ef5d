// The membership actor: this node's heartbeats, and which other nodes are alive.
#pragma once

#include <caf/fwd.hpp>

#include "actors/cluster/cluster_api.hpp"
#include "actors/cluster/cluster_children.hpp"

namespace smith::cluster {

/// Spawns the membership actor of node `opts.node` (instance `opts.instance`, which must
/// be set) and publishes it under membership_name. It
/// - publishes a NodeHeartbeat on `smith.cluster.hb.{node}` (bulk connection) at once and
///   every heartbeat_interval, with the replicator's digest and last change sequence
///   (without them while no replicator answers: liveness never waits for replication) and
///   the domains hosted now (`domains` plus `dynamic_domains()`, sorted, each once);
/// - follows `smith.cluster.hb.*` and `smith.cluster.leave.*`: a peer silent for its
///   down_after (from its beats; ours until it beats) is down, and so is one that left:
///   the registry drops its records (drop_node) and the replicator is told (peer_down).
///   A new peer, a new instance of a peer or a peer back from down is reported to the
///   replicator (peer_up) so it resyncs; each beat is passed on (peer_beat);
/// - on exit with reason shutdown or normal publishes NodeLeave on the rpc connection.
/// Replies to membership_actor's `peers`. Fails at start (quits with wire_code
/// bad_request) when the node name is not a subject token or a subscription fails.
caf::actor spawn_membership(caf::actor_system& sys, cluster_options opts);

} // namespace smith::cluster
