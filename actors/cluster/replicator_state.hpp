// State of the replicator actor (internal to actors/cluster).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_api.hpp"
#include "actors/cluster/cluster_children.hpp"
#include "runtime/nats/subscription.hpp"
#include "runtime/registry/registry_api.hpp"
#include "smith/bridge/v1/bridge.pb.h"

namespace smith::cluster {

using change_in_atom = caf::atom_constant<caf::atom("clchgin")>;
using sync_in_atom = caf::atom_constant<caf::atom("clsyncin")>;
using sync_reply_atom = caf::atom_constant<caf::atom("clsyncrep")>;
using sync_expire_atom = caf::atom_constant<caf::atom("clsyncexp")>;
using ae_tick_atom = caf::atom_constant<caf::atom("claetick")>;
using kv_tick_atom = caf::atom_constant<caf::atom("clkvtick")>;
using reconnected_atom = caf::atom_constant<caf::atom("clreconn")>;
using rewatch_atom = caf::atom_constant<caf::atom("clrewatch")>;
using barrier_expire_atom = caf::atom_constant<caf::atom("clbarexp")>;
using barrier_due_atom = caf::atom_constant<caf::atom("clbardue")>;
using barrier_nudge_atom = caf::atom_constant<caf::atom("clbarnudge")>;

/// What the replicator knows of one other node's change stream.
struct peer_stream {
  /// node_instance of the stream being followed ("" before the first sync).
  std::string instance;
  /// Last sequence applied to the registry.
  uint64_t applied = 0;
  /// Whether `instance`/`applied` come from a sync (else changes are buffered).
  bool synced = false;
  /// Reported down by membership: its changes are ignored until it is up again.
  bool down = false;
  /// A sync is due at the next anti-entropy tick (a failed or timed-out one).
  bool needs_sync = false;
  /// Correlation of the sync in flight (0: none).
  uint64_t sync_corr = 0;
  /// Changes received while no sync had placed them.
  std::vector<bridge::v1::RegistryChange> buffered;
  /// The latest heartbeat's claim.
  std::optional<peer_beat> beat;
  /// The last sync answer was older than `applied` and was not taken (the next one is).
  bool stale_answer = false;
  /// Anti-entropy ticks in a row at which the beat's sequence differed from `applied`.
  int suspect = 0;
};

/// Whether a view of a peer's records from stream `instance` at `sequence` may replace the
/// view built from `p` (a sync answer; a KV seed passes "" and 0: it carries neither). Not
/// when it is older than what is already applied of the same stream (it would drop newer
/// records), nor, for the KV seed, once any of the peer's stream is known (its sync follows).
inline bool replaces_view(const peer_stream& p, const std::string& instance, uint64_t sequence) {
  if (p.instance.empty())
    return true;
  if (instance.empty())
    return false;
  return instance != p.instance || sequence >= p.applied;
}

/// A change of a local record not announced yet (replicator_local.cpp).
struct local_change {
  uint64_t id = 0;
  registry::watch_kind kind = registry::watch_kind::registered;
  registry::agent_record record;
  /// Held until the bridge confirms the agent's subscription reached the server (or gives up).
  bool held = false;
};

/// A barrier this node asked for (see spawn_replicator): who still has to answer.
struct barrier_call {
  caf::response_promise rp;
  barrier_report report;
  /// Peers asked that have not answered yet.
  std::set<std::string> waiting;
  /// The KV writer's flush is outstanding.
  bool kv_pending = true;
  /// How long the barrier waits (for messages).
  std::chrono::milliseconds timeout{0};
};

/// A barrier another node asked of this one: answered once its changes are applied here.
struct barrier_waiter {
  std::string node;
  std::string instance;
  uint64_t sequence = 0;
  std::string reply;
  std::string msg_id;
};

struct replicator_state {
  static inline const char* name = "smith.replicator";
  cluster_options opts;
  /// wall = actor clock + wall_offset (record timestamps on the wire).
  int64_t wall_offset = 0;
  // -- this node's records ---------------------------------------------------------
  /// Sequence of the last change published.
  uint64_t sequence = 0;
  /// This node's records by instance id, as published (the mirror).
  std::map<std::string, registry::agent_record> local;
  std::string registry_instance;
  uint64_t watch_sequence = 0;
  /// A watch request is in flight: events until its ack are covered by its snapshot.
  bool watch_pending = false;
  caf::actor registry;
  /// The KV worker (detached).
  caf::actor kv;
  /// Local changes in registry order, announced (mirror, event, KV) from the front as soon
  /// as the front is not held: peers never learn of an agent before it can be called.
  std::deque<local_change> outbox;
  uint64_t next_change = 0;
  // -- other nodes -----------------------------------------------------------------
  std::map<std::string, peer_stream> peers;
  /// Sync in flight: correlation -> node.
  std::map<uint64_t, std::string> syncs;
  uint64_t next_correlation = 0;
  /// `_INBOX.smith.{node}.{nonce}`: replies to our sync requests.
  std::string inbox_prefix;
  // -- barriers (replicator_barrier.cpp) -------------------------------------------
  /// Barriers of this node in flight, by id.
  std::map<uint64_t, barrier_call> barriers;
  uint64_t next_barrier = 0;
  /// Barriers asked while the outbox was not empty (their sequence must cover it).
  std::vector<std::pair<caf::response_promise, std::chrono::milliseconds>> deferred_barriers;
  /// Barrier requests sent: correlation -> (barrier id, peer).
  std::map<uint64_t, std::pair<uint64_t, std::string>> barrier_replies;
  /// Other nodes' barriers waiting here, by id.
  std::map<uint64_t, barrier_waiter> waiters;
  uint64_t next_waiter = 0;
  /// Last member: unsubscribed first when the state goes.
  std::vector<nats::subscription> subs;
};

using replicator_self = caf::stateful_actor<replicator_state>*;

/// The node's registry (looked up per use: it may have restarted), or an invalid handle.
registry::registry_actor registry_of(replicator_self self);

// -- replicator_local.cpp: this node's records --------------------------------------
void watch_registry(replicator_self self);
void on_watch_event(replicator_self self, const registry::watch_event& ev);
void refresh_kv(replicator_self self);
void serve_sync(replicator_self self, const nats::inbound_msg& m);
local_state current_local_state(replicator_self self);

// -- replicator_remote.cpp: other nodes' records ------------------------------------
void on_change(replicator_self self, const nats::inbound_msg& m);
void start_sync(replicator_self self, const std::string& node);
void on_sync_reply(replicator_self self, const nats::inbound_msg& m);
void on_sync_expired(replicator_self self, uint64_t correlation);
void on_peer_up(replicator_self self, const std::string& node);
void on_peer_down(replicator_self self, const std::string& node);
void on_peer_beat(replicator_self self, const peer_beat& beat);
void anti_entropy(replicator_self self);
/// Reads the KV bucket, replaces the view of every other node found there, then syncs
/// every known node.
void seed(replicator_self self);

// -- replicator_barrier.cpp: confirming that changes reached every node ------------
/// Starts a barrier over every peer not down and the KV writer; the promise is kept.
caf::result<barrier_report> start_barrier(replicator_self self, std::chrono::milliseconds timeout);
/// Starts the barriers deferred while the outbox was not empty.
void start_deferred_barriers(replicator_self self);
/// Handles a reply on our inbox if it answers a barrier request; false otherwise.
bool on_barrier_reply(replicator_self self, const nats::inbound_msg& m);
/// Answers what is left of barrier `id` (its timeout passed).
void on_barrier_expired(replicator_self self, uint64_t id);
/// A BarrierRequest arrived on our sync subject.
void serve_barrier(replicator_self self, const nats::inbound_msg& m);
/// Answers every waiting barrier whose changes are now applied.
void check_barrier_waiters(replicator_self self);
/// Answers waiter `id` with what is applied now (its deadline passed).
void on_barrier_due(replicator_self self, uint64_t id);
/// Waiter `id` is still not applied a while after it arrived: the asker's changes were lost
/// here, so sync with it now rather than at the next anti-entropy round.
void on_barrier_nudge(replicator_self self, uint64_t id);

} // namespace smith::cluster
