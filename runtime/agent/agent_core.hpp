// The non-template part of every SDK agent: mailbox bound, lifecycle, control, counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/scheduled_actor.hpp>

#include "runtime/agent/agent_config.hpp"
#include "runtime/agent/agent_meters.hpp"
#include "runtime/agent/agent_snapshot.hpp"
#include "runtime/agent/agent_status.hpp"
#include "runtime/agent/journal.hpp"
#include "runtime/agent/reply_tap.hpp"
#include "runtime/log/trace_context.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::agent {

/// Shared machinery of agent_actor<...>. The gate functions are thread-safe
/// (called from senders' threads); everything else runs on the agent.
class agent_core {
public:
  /// The CAF actor name of every SDK agent (agent_actor::name()).
  static constexpr const char* actor_name = "smith.agent";

  explicit agent_core(agent_instance cfg);
  /// Detaches the agent's meter (its counts stay in agent_meters' totals) and frees the
  /// trace map, if one was made.
  ~agent_core();
  agent_core(const agent_core&) = delete;
  agent_core& operator=(const agent_core&) = delete;

  /// Called from enqueue: admits `x` or answers it with overloaded/draining.
  /// Returns false when `x` was answered (and must not be enqueued).
  bool admit(caf::scheduled_actor* self, caf::mailbox_element& x, caf::execution_unit* eu);

  /// Wraps scheduled_actor::consume: holds user messages while suspended,
  /// counts what was handled, and finishes a drain once the mailbox is empty. A message
  /// enqueued while its sender's thread had a trace (log::trace_scope) is handled in that
  /// trace. A request answered by its handler's return value is done when the handler
  /// returns; one answered later counts as in flight (see tap_current).
  template <class Consume>
  caf::invoke_message_result consume(caf::scheduled_actor* self, caf::mailbox_element& x,
                                     Consume&& base) {
    running_scope running{self, this};
    bool user = is_user_message(x);
    // Held while suspended, and while a persist is pending: the next command must see the
    // state with every event its predecessors persisted.
    if (user && (suspended_ || (journaled_ && extras_->journal->pending() > 0)))
      return caf::invoke_message_result::skipped;
    // The handler runs in the trace of the request (log lines, calls it makes).
    auto trace = user && traces_.load(std::memory_order_acquire) != nullptr ? take_trace(x)
                                                                            : kept_trace{};
    std::optional<log::trace_scope> scope;
    if (trace.size != 0)
      scope.emplace(trace.view());
    auto res = base(x);
    if (res == caf::invoke_message_result::skipped) {
      if (trace.size != 0)
        keep_trace(x, trace.view());
    }
    if (user && res != caf::invoke_message_result::skipped)
      after_user_message(self, res);
    return res;
  }

  /// Counts the request `self` is handling as in flight until it is answered, by routing its
  /// answer through the reply tap: for a handler that answers later (a response promise, a
  /// delegation). Nothing for a message that is no user request, is answered already, or has
  /// nobody to answer; at most once per request. Cheaper than tapping every request, as
  /// most are answered by the handler's return value before it returns.
  void tap_current(caf::scheduled_actor* self);

  /// Installs the exception, default and exit handlers and runs the
  /// lifecycle to Active. Returns an error if `on_start` fails. The default handler runs
  /// `control` (control_handlers, shared by the agent's type) on what the user's behavior does
  /// not match, so that no agent pays for a combined behavior; then counts it unexpected.
  caf::error start(caf::scheduled_actor* self, const std::function<caf::error()>& on_start,
                   caf::message_handler* control);

  /// Called on every heartbeat tick; the typed agent sends the heartbeat (only it
  /// can `request`). A plain function pointer, so the handler needs no allocation.
  using beat_fn = void (*)(caf::scheduled_actor* self);

  /// Answers `inspect` (the typed agent's on_inspect hook); may throw.
  using inspect_fn = agent_snapshot (*)(caf::scheduled_actor* self);

  /// Handlers for the control messages (agent_control), the heartbeat tick and persist
  /// answers, appended to the user's. They capture no agent: an agent type builds them once
  /// and every instance shares them, each finding itself through current().
  static caf::message_handler control_handlers(beat_fn beat, inspect_fn inspect);

  /// The agent whose message this thread is handling: set by consume around each message
  /// (and restored after it), null outside.
  struct running {
    caf::scheduled_actor* self = nullptr;
    agent_core* core = nullptr;
  };
  /// This thread's running agent.
  static running& current() noexcept;

  /// Records the final transition and deregisters; called from on_exit.
  void stop(caf::scheduled_actor* self, const caf::error& reason);
  /// Tells the supervisor in the instance (if any) that the agent ended with its fail
  /// state; called once, after CAF's cleanup.
  void report_exit(caf::scheduled_actor* self, caf::execution_unit* host) const;

  // -- registry ----------------------------------------------------------------

  /// The node's registry as currently published, or an invalid handle.
  registry::registry_actor find_registry(caf::scheduled_actor* self) const;
  /// This agent as the registry should know it.
  registry::agent_record record(caf::scheduled_actor* self) const;
  /// Registration done (or no registry): Registered, then Active; starts heartbeats.
  void on_registered(caf::scheduled_actor* self);
  /// The first registration failed: the agent cannot be found, so it ends.
  void on_registration_failed(caf::scheduled_actor* self, caf::error err);
  /// Current load for heartbeats.
  registry::load_info load() const;
  /// Schedules the next beat_tick_atom, if heartbeats are configured.
  void schedule_heartbeat(caf::scheduled_actor* self) const;

  const agent_instance& config() const noexcept { return cfg_; }

  // -- journal (event-sourced agents) ------------------------------------------

  /// Makes the agent event-sourced; start() then recovers it before on_start.
  void attach_journal(std::unique_ptr<agent_journal> j) {
    journaled_ = j != nullptr;
    extra().journal = std::move(j);
  }
  /// The journal, or nullptr for an agent that keeps none.
  agent_journal* journal() const noexcept {
    return extras_ ? extras_->journal.get() : nullptr;
  }
  agent_status status() const;

  /// Whether `x` is an ordinary user message (not a response, not a system or
  /// control message): only those are bounded, held and counted.
  static bool is_user_message(const caf::mailbox_element& x);

  /// Requests accepted (a handler started on them) and not answered yet.
  uint64_t in_flight() const noexcept {
    return extras_ && extras_->in_flight
             ? extras_->in_flight->value.load(std::memory_order_acquire)
             : 0;
  }

private:
  /// Makes {self, core} the running agent for its lifetime.
  struct running_scope {
    running_scope(caf::scheduled_actor* self, agent_core* core)
      : saved(current()) {
      current() = {self, core};
    }
    ~running_scope() { current() = saved; }
    running saved;
  };
  /// checkpoint, restore, wipe and fork (agent_memory_ops.cpp), shared like the others.
  static caf::message_handler memory_handlers();
  /// fork's body: checks `name`, then writes our state as its base.
  void fork_into(caf::scheduled_actor* self, agent_journal& j, const std::string& name,
                 memory_request why, memory_done done);
  void on_drain_deadline(caf::scheduled_actor* self);
  /// `inspect`'s answer, or runtime_error naming the agent if it throws.
  caf::result<agent_snapshot> inspect_with(caf::scheduled_actor* self, inspect_fn inspect);
  /// Remembers the thread's current traceparent (log::current_traceparent) for user message
  /// `x`, being enqueued by that thread; nothing when there is none.
  void keep_trace(const caf::mailbox_element& x);
  /// A waiting message's traceparent: its first 55 bytes, which are a version-00 traceparent
  /// whole (a later version's extra fields are not carried; children are version 00 anyway).
  struct kept_trace {
    std::array<char, 55> text;
    uint8_t size = 0;
    std::string_view view() const { return {text.data(), size}; }
  };
  /// Remembers `traceparent` for `x`.
  void keep_trace(const caf::mailbox_element& x, std::string_view traceparent);
  /// Removes and returns what keep_trace remembered for `x` (size 0 if nothing).
  kept_trace take_trace(const caf::mailbox_element& x);
  /// Routes the answer to request `x` through the reply tap and counts it in flight; false
  /// (nothing changed) if `x` is no request or has nobody to answer.
  bool tap_request(caf::scheduled_actor* self, caf::mailbox_element& x);
  void after_user_message(caf::scheduled_actor* self, caf::invoke_message_result res);
  caf::error suspend(caf::scheduled_actor* self);
  caf::error resume(caf::scheduled_actor* self);
  caf::error begin_drain(caf::scheduled_actor* self, uint64_t deadline_ms, std::string why);
  void finish_drain(caf::scheduled_actor* self, std::string why);
  void note_error(std::string what);
  /// lifecycle_.transition(), recorded in the journal of an event-sourced agent.
  caf::error transition(caf::scheduled_actor* self, lifecycle_state to, std::string reason = {});
  void on_persisted(caf::scheduled_actor* self, caf::error err, uint64_t seq, bool duplicate,
                    bool snapshot_due);
  /// The memory operations' handlers' bodies (agent_memory_ops.cpp): answer through a
  /// response promise once the change is durable, or at once with the error.
  using memory_fn = std::function<void(agent_journal&, memory_done)>;
  caf::result<uint64_t> memory_op(caf::scheduled_actor* self, const char* what, memory_fn fn);
  void notify_state(caf::scheduled_actor* self) const;
  int64_t now_ns(caf::scheduled_actor* self) const;

  agent_instance cfg_;
  // The flags below sit in the lifecycle's tail padding (no_unique_address): 8 bytes less.
  [[no_unique_address]] lifecycle lifecycle_;
  std::atomic<bool> draining_{false};
  bool suspended_ = false;
  bool registered_ = false;
  /// Whether extras_ holds a journal (checked on every user message without loading extras_).
  bool journaled_ = false;
  /// Counts for /metrics and status; its `queued` is the mailbox bound, written under the
  /// gate by senders and read by the agent.
  agent_meter meter_;
  /// What most agents never need, in one block made on first use (8 bytes until then).
  struct extras {
    /// The journal of an event-sourced agent, or null.
    std::unique_ptr<agent_journal> journal;
    /// The last error (note_error), or empty.
    std::string last_error;
    /// Messages no handler matched (handled and errors are in meter_).
    uint64_t unexpected = 0;
    /// The reply tap and its in-flight counter, made on the first request (the tap shares
    /// the counter: it may outlive us); null before.
    std::shared_ptr<in_flight_counter> in_flight;
    caf::strong_actor_ptr tap;
  };
  std::unique_ptr<extras> extras_;
  /// The extras, made if need be.
  extras& extra();
  /// The last error, or an empty string.
  const std::string& last_error() const noexcept;
  /// Traceparents of accepted, not yet handled user messages, by mailbox element: written by
  /// senders' threads in admit, taken by the agent. Made on the first traced message
  /// (agent_requests.cpp), so untraced agents pay one pointer.
  struct trace_map;
  std::atomic<trace_map*> traces_{nullptr};
};

} // namespace smith::agent
