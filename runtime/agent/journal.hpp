// An agent's event journal: persist-then-apply on the node's event store, and recovery.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/fwd.hpp>

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

  /// `key`: the agent's stable identity in the store ("domain/name").
  agent_journal(std::shared_ptr<const journal_binding> binding, std::string key, apply_fn apply,
                snapshot_fn snapshot, restore_fn restore);

  /// Rebuilds the state: restore(latest snapshot), then apply(each later event). Errors: the
  /// store's (corruption, io_error: the agent must fail rather than run on partial state) or
  /// the hooks'. Reads RocksDB directly (a bounded, local read when the agent starts).
  caf::error recover();

  /// Queues `event` (idempotent when `msg_id` is non-empty). `done` runs on the agent once the
  /// event is durable and applied, or with the error. Returns false when the store refused at
  /// once (then `done` already ran with the error).
  bool append(caf::scheduled_actor* self, std::string event, std::string msg_id,
              persist_done done);

  /// The store's answer for the oldest pending append: applies the event (unless it was a
  /// duplicate), takes a snapshot when one is due, calls its `done`. Returns the apply hook's
  /// error: the event is durable but the state could not take it, so the agent must fail.
  caf::error on_persisted(caf::error err, uint64_t seq, bool duplicate, bool snapshot_due);

  /// Appends not yet answered.
  size_t pending() const noexcept { return pending_.size(); }
  /// Sequence number of the last event applied (0 = none).
  uint64_t last_seq() const noexcept { return last_seq_; }
  /// The agent's key in the store.
  const std::string& key() const noexcept { return key_; }

private:
  struct pending_event {
    std::string event;
    persist_done done;
  };
  std::shared_ptr<const journal_binding> binding_;
  std::string key_;
  apply_fn apply_;
  snapshot_fn snapshot_;
  restore_fn restore_;
  std::deque<pending_event> pending_;
  uint64_t last_seq_ = 0;
};

} // namespace smith::agent
