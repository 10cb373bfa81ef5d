// The cluster actors' messages: membership's peer table and the membership <-> replicator protocol.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "runtime/registry/registry_digest.hpp"

namespace smith::cluster {

/// Key under which the node's membership actor is published in CAF's actor registry.
inline constexpr caf::atom_value membership_name = caf::atom("smith.memb");
/// Key under which the node's replicator is published in CAF's actor registry.
inline constexpr caf::atom_value replicator_name = caf::atom("smith.repl");

using peers_atom = caf::atom_constant<caf::atom("clpeers")>;
/// membership -> replicator: a peer appeared, restarted (new instance) or came back.
using peer_up_atom = caf::atom_constant<caf::atom("clpeerup")>;
/// membership -> replicator: a peer is down or left (its records are already dropped).
using peer_down_atom = caf::atom_constant<caf::atom("clpeerdn")>;
/// membership -> replicator: what a peer's latest heartbeat says about its records.
using peer_beat_atom = caf::atom_constant<caf::atom("clbeat")>;
/// replicator -> membership: a node found in the KV bucket; down unless it beats soon.
using expect_atom = caf::atom_constant<caf::atom("clexpect")>;
/// membership -> replicator: digest and change sequence for the next heartbeat.
using local_state_atom = caf::atom_constant<caf::atom("cllocal")>;

/// node -> replicator: (barrier, timeout_ms) -> barrier_report. See spawn_replicator.
using barrier_atom = caf::atom_constant<caf::atom("clbarrier")>;

/// Which other nodes confirmed that their registries applied this node's registry changes up
/// to `sequence` (the replicator's answer to `barrier`).
struct barrier_report {
  /// This node's change sequence the barrier waited for.
  uint64_t sequence = 0;
  /// Nodes whose registries applied every change up to `sequence`, by name.
  std::vector<std::string> confirmed;
  /// "{node}: why" for every node seen up that did not confirm in time.
  std::vector<std::string> unconfirmed;
  /// Empty when every KV bucket write queued before the barrier was acknowledged; else
  /// what failed.
  std::string kv_error;
};

/// One other node as membership sees it (smithctl shows these).
struct peer_info {
  std::string node;
  /// Process instance from its heartbeats (empty: only known from the KV bucket so far).
  std::string instance;
  /// Actor-clock nanoseconds of the last heartbeat (or of the KV sighting).
  int64_t last_seen_ns = 0;
  /// False once down_after passed without a beat, or after its NodeLeave.
  bool up = false;
  /// From its heartbeat: Smith version and hosted domains.
  std::string version;
  std::vector<std::string> domains;
};

/// What a peer's heartbeat claims about its local records (for anti-entropy).
struct peer_beat {
  std::string node;
  /// False when the sender could not include a digest (its replicator was not running).
  bool has_digest = false;
  registry::registry_digest digest;
  uint64_t last_change_sequence = 0;
};

/// The replicator's own view of this node's records: consistent with `sequence`
/// (the digest is computed over exactly the changes published up to it).
struct local_state {
  registry::registry_digest digest;
  uint64_t sequence = 0;
};

/// The membership actor's public interface (the actor also handles internal messages).
/// - peers -> every peer ever seen, ordered by node name.
using membership_actor =
  caf::typed_actor<caf::replies_to<peers_atom>::with<std::vector<peer_info>>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_info& x) {
  return f(caf::meta::type_name("smith.peer_info"), x.node, x.instance, x.last_seen_ns, x.up,
           x.version, x.domains);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_beat& x) {
  return f(caf::meta::type_name("smith.peer_beat"), x.node, x.has_digest, x.digest,
           x.last_change_sequence);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, barrier_report& x) {
  return f(caf::meta::type_name("smith.barrier_report"), x.sequence, x.confirmed, x.unconfirmed,
           x.kv_error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, local_state& x) {
  return f(caf::meta::type_name("smith.local_state"), x.digest, x.sequence);
}

} // namespace smith::cluster
