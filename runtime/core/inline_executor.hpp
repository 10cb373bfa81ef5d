// Inline dispatch: actors woken by a foreign thread (a NATS delivery thread) run on it.
//
// Why: a message that nats.c delivers is posted into an agent's mailbox from nats.c's
// delivery thread. When the agent is idle, CAF schedules it, which wakes a sleeping CAF
// worker (a futex wake-up, 20-60 us on a loaded machine) and moves the work to another
// core. Raw nats.c runs its callback right on the delivery thread. An inline_dispatch scope
// makes the posts of its thread carry an execution unit of our own (inline_unit()), so CAF
// hands the woken actor to us instead of to its scheduler, and the scope's end runs it on
// this thread (Vert.x's event-loop dispatch). Actors those actors wake run here as well, up
// to a budget (jobs and time); the rest goes to the CAF scheduler.
//
// The contract for handlers (docs/bridge.md "Inline dispatch"): an actor that may run
// inline must not block. While it runs, the delivery thread delivers nothing else, and
// nats.c's delivery threads are shared by all subscriptions of the process. A job that
// holds the thread longer than `block_warn` is reported by a watchdog thread (once per
// label, see inline_labelled), while it is still running if it never returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/fwd.hpp>

namespace smith::core {

/// How a thread's inline dispatch behaves. Node-wide (`[bridge]` in the node config).
struct inline_options {
  /// Off: inline_dispatch scopes do nothing and posts are scheduled by CAF as before.
  bool enabled = true;
  /// Most jobs (actor activations) one dispatch runs; the rest go to the CAF scheduler.
  size_t max_jobs = 64;
  /// Once a dispatch has run this long, its remaining jobs go to the CAF scheduler.
  std::chrono::microseconds max_time{2000};
  /// A single job holding the thread longer than this is reported; 0 = never.
  std::chrono::milliseconds block_warn{50};
};

/// Implemented by actors that name themselves in blocked-thread warnings (agents give
/// "domain/type@version"); others are named by caf::abstract_actor::name(). Called from
/// the thread that runs the actor or from the watchdog thread while the actor runs: it
/// must only read immutable data.
class inline_labelled {
public:
  /// The actor's name for warnings; warnings are logged once per distinct label.
  virtual std::string inline_label() const = 0;

protected:
  ~inline_labelled() = default;
};

/// A scope on a thread that is not a CAF worker (a NATS delivery callback): while it is
/// open, inline_unit() is this thread's inline execution unit, and actors woken through it
/// run on this thread when the outermost scope closes (in its destructor). A scope opened
/// while another is open on the thread, or with `opts.enabled` false, is passive: its
/// wake-ups join the open one, or go to the CAF scheduler. Jobs of another actor system
/// than `sys` are handed to their own scheduler. The destructor never throws; it runs
/// actors' code, so open the scope before anything that must outlive their handlers
/// (declare it first) and hold no lock across its end. Not copyable or movable.
class inline_dispatch {
public:
  inline_dispatch(caf::actor_system& sys, const inline_options& opts) noexcept;
  ~inline_dispatch();
  inline_dispatch(const inline_dispatch&) = delete;
  inline_dispatch& operator=(const inline_dispatch&) = delete;

  /// Whether this scope will run the jobs (it is the thread's outermost, enabled scope).
  bool active() const noexcept { return active_; }

private:
  bool active_ = false;
};

/// The execution unit of the inline_dispatch open on this thread, or nullptr when none is
/// (then CAF schedules a woken actor itself). Pass it as the `eu` of
/// caf::abstract_actor::enqueue when posting from a foreign thread.
caf::execution_unit* inline_unit() noexcept;

/// Counters of this process's inline dispatches (all threads), for tests and metrics.
struct inline_stats {
  /// Jobs run on a dispatching thread.
  uint64_t ran = 0;
  /// Jobs handed to the CAF scheduler: past the budget, or resumed later (throughput spent).
  uint64_t handed_off = 0;
  /// Jobs reported for holding their thread longer than block_warn.
  uint64_t blocked = 0;
};

/// A snapshot of the process-wide counters.
inline_stats inline_dispatch_stats() noexcept;

} // namespace smith::core
