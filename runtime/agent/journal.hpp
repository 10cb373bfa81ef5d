// An agent's event journal: persist-then-apply on the node's event store, recovery, and the
// memory operations (checkpoint, restore, wipe, fork).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include "runtime/agent/lifecycle.hpp"
#include "runtime/persistence/event_store.hpp"

namespace smith::agent {

/// Where a node's event-sourced agents keep their journals. Immutable; shared by the agents.
struct journal_binding {
  /// The node's event store; must outlive every agent bound to it.
  std::shared_ptr<persistence::event_store> store;
  /// When an append counts as persisted (from the domain's config).
  persistence::durability_mode mode = persistence::durability_mode::group;
};

/// What persist() reports: empty once the event is durable and applied, else why it is not
/// (storage error, queue_full, the apply hook's error). Called on the agent.
using persist_done = std::function<void(const caf::error&)>;

/// What a memory operation reports: the agent's sequence number it is anchored at, or why it
/// failed (nothing changed then). Called on the agent.
using memory_done = std::function<void(caf::expected<uint64_t>)>;

/// Who asks for a memory operation and why; recorded with it.
struct memory_request {
  std::string who;
  std::string why;
};

/// The journal of one event-sourced agent (SDK-internal; see agent_actor::persist).
/// Appends go to the store with a completion that messages the agent; the agent applies the
/// event when that message arrives, in append order. Lives on the agent; not thread-safe.
class agent_journal {
public:
  /// Folds one event into the agent's state.
  using apply_fn = std::function<caf::error(std::string_view event)>;
  /// The agent's state as bytes (for a snapshot).
  using snapshot_fn = std::function<std::string()>;
  /// Replaces the agent's state with a snapshot's bytes.
  using restore_fn = std::function<caf::error(std::string_view state)>;
  /// Replaces the agent's state with a fresh one that keeps only its core knowledge.
  using reset_fn = std::function<void()>;

  /// The agent's hooks; `snapshot` and `restore` may be empty (no snapshots, no memory ops).
  struct hooks {
    apply_fn apply;
    snapshot_fn snapshot;
    restore_fn restore;
    reset_fn reset;
  };

  /// `key`: the agent's stable identity in the store ("domain/name").
  agent_journal(std::shared_ptr<const journal_binding> binding, std::string key, hooks h);

  /// Rebuilds the state: restore(latest snapshot), then apply(each later event). Errors: the
  /// store's (corruption, io_error: the agent must fail rather than run on partial state) or
  /// the hooks'. Reads RocksDB directly (a bounded, local read when the agent starts).
  caf::error recover();

  /// Queues `event` (idempotent when `msg_id` is non-empty). `done` runs on the agent once the
  /// event is durable and applied, or with the error (then `done` may run at once).
  void append(caf::scheduled_actor* self, std::string event, std::string msg_id,
              persist_done done);

  /// Saves the current state as checkpoint `label`.
  void checkpoint(caf::scheduled_actor* self, std::string label, memory_request req,
                  memory_done done);
  /// Makes checkpoint `label` the state (unknown_checkpoint if absent; nothing changes).
  void restore(caf::scheduled_actor* self, const std::string& label, memory_request req,
               memory_done done);
  /// Makes the state as it was right after event `seq` the state (bad_snapshot if unknown).
  void restore(caf::scheduled_actor* self, uint64_t seq, memory_request req, memory_done done);
  /// Clears history and state down to the core knowledge the reset hook keeps.
  void wipe(caf::scheduled_actor* self, memory_request req, memory_done done);
  /// Writes the current state as the base of agent `target_key` (same domain), for a new
  /// instance the node then starts. The target must have no journal yet.
  void fork(caf::scheduled_actor* self, std::string target_key, memory_request req,
            memory_done done);

  /// The store's answer for the oldest pending request: applies the event or the new state,
  /// takes a snapshot when one is due, reports. Returns an error only when a durable change
  /// could not be applied to the live state: the agent must fail (and recover on restart).
  caf::error on_persisted(caf::error err, uint64_t seq, bool duplicate, bool snapshot_due);

  /// Records a lifecycle transition under lifecycle_key(), without waiting (mode none: it
  /// survives a process crash; a failure is logged, never fails the agent).
  void record_transition(lifecycle_state from, lifecycle_state to, const std::string& reason);

  /// Requests not yet answered (user messages wait while there are any).
  size_t pending() const noexcept { return pending_.size(); }
  /// Sequence number of the last event applied (0 = none).
  uint64_t last_seq() const noexcept { return last_seq_; }
  /// The agent's key in the store.
  const std::string& key() const noexcept { return key_; }

private:
  struct pending_request {
    /// Folds the committed change into the live state (empty: nothing to fold).
    std::function<caf::error(uint64_t seq, bool duplicate)> commit;
    /// Reports the outcome.
    std::function<void(caf::error, uint64_t seq)> finish;
    /// The answer's seq is this agent's (false for a fork: it is the new agent's).
    bool own_seq = true;
  };
  /// Queues `r` behind the store completion that `submit` registers; refusals finish at once.
  void enqueue(caf::scheduled_actor* self, pending_request r,
               const std::function<caf::error(persistence::append_completion)>& submit);
  void rebase(caf::scheduled_actor* self, std::string key, std::string state,
              persistence::memory_op op, bool clear, bool adopt, memory_done done,
              bool own_seq = true);
  caf::error check_memory_ops() const;

  std::shared_ptr<const journal_binding> binding_;
  std::string key_;
  hooks hooks_;
  std::deque<pending_request> pending_;
  uint64_t last_seq_ = 0;
};

/// An agent's key in the event store: its stable identity "domain/name" (not the instance id,
/// not the version), so new incarnations and versions find the same journal.
std::string journal_key(std::string_view domain, std::string_view name);

/// The store key of the recorded lifecycle transitions of agent `key` ("domain/name").
std::string lifecycle_key(std::string_view key);

/// A lifecycle transition as the store keeps it; `at_ns` is wall-clock Unix nanoseconds.
/// Errors: the store's; persistence_errc::bad_record for an entry that does not decode.
caf::expected<std::vector<lifecycle_transition>>
recorded_lifecycle(const persistence::event_store& store, std::string_view key);

} // namespace smith::agent
