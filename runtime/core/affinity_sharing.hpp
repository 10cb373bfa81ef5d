// A CAF 0.17 scheduler policy: work sharing plus a private "next" slot per worker.
//
// Why: under CAF's `sharing`, every message to an idle actor goes through the one central
// queue and wakes the other worker, so a request/reply pair hops between cores on every
// message; that hop, not the work, sets the tail latency of small requests (the registry's
// discover p99 was 25 us on 2 threads and 12 us on 1). Here an actor woken by a message sent
// from a worker goes to that worker's slot and runs there next, cache-warm and without a
// wake-up, much as Go's `runnext`. Unlike runnext the slot keeps the FIRST actor a job wakes
// and later ones go to the central queue, where idle workers take them: an exiting agent
// wakes its supervisor first and the registry after it, and the supervisor must not wait for
// the registry. A terminating actor's wake-ups (down and exit messages, sent during its
// cleanup) skip the slot as well: its cleanup continues on this worker, and the supervisor
// that restarts it should not wait for that (measured: restart p50 15-20 us when it did).
//
// Liveness: a job waits in a slot only while its worker finishes the job that woke it. A
// watchdog thread moves a job that sat in a slot for a whole poll period (1 ms, 10 ms when
// the slots were empty for a while) to the central queue, so a worker that blocks (or runs
// one actor for long) cannot strand it. Fairness: after `max_streak` slot jobs in a row a
// worker serves the central queue first, so a ping-pong pair cannot starve other actors.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include <caf/fwd.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/scheduler/worker.hpp>

namespace smith::core {

/// The scheduler policy behind `[scheduler] policy = "affinity"`. Used through
/// `caf::scheduler::coordinator<affinity_sharing>` (see configure_scheduler()).
class affinity_sharing : public caf::policy::unprofiled {
public:
  /// Workers with an id at or past this many have no slot and use the central queue only.
  static constexpr size_t max_slots = 64;
  /// Slot jobs a worker runs in a row before it serves a non-empty central queue.
  static constexpr uint32_t max_streak = 16;

  /// A worker's slot. Filled by its owner, emptied by its owner or the watchdog.
  struct alignas(64) slot {
    std::atomic<caf::resumable*> job{nullptr};
    /// Counts fills, so the watchdog can tell "the same job still waiting" from "refilled".
    std::atomic<uint64_t> fills{0};
    /// Owner only: consecutive jobs taken from the slot.
    uint32_t streak = 0;
    /// Owner only: the actor the worker is running, if the job is an actor.
    std::atomic<caf::abstract_actor*> running{nullptr};
    /// Watchdog only: what the previous poll saw.
    caf::resumable* seen_job = nullptr;
    uint64_t seen_fills = 0;
  };

  /// Shared by the coordinator and its workers: the central queue, the slots, the watchdog.
  class coordinator_data {
  public:
    explicit coordinator_data(caf::scheduler::abstract_coordinator* parent);
    ~coordinator_data();
    coordinator_data(const coordinator_data&) = delete;
    coordinator_data& operator=(const coordinator_data&) = delete;

    /// Appends `job` to the central queue and wakes a sleeping worker.
    void push(caf::resumable* job);
    /// Puts `job` into worker `id`'s slot, or into the central queue if the slot is taken or
    /// the job running on that worker is a terminating actor.
    void place(size_t id, caf::resumable* job);
    /// Worker `id` is about to resume `job`.
    void running(size_t id, caf::resumable* job);
    /// The next job for worker `id`: its slot, else the central queue; blocks until one exists.
    caf::resumable* next(size_t id);
    /// Removes and returns worker `id`'s slot job (nullptr if none); for shutdown cleanup.
    caf::resumable* take_slot(size_t id);
    /// Removes and returns the central queue's front (nullptr if empty); for shutdown cleanup.
    caf::resumable* take_central();
    /// A worker ran its shutdown job; the last one stops the watchdog.
    void worker_stopped();

  private:
    void start_watchdog();
    void stop_watchdog();
    void watch();
    /// One watchdog look at `s`: moves a job that waited a whole period. Returns whether
    /// the slot was occupied.
    bool rescue(slot& s);

    caf::scheduler::abstract_coordinator* parent_;
    std::mutex mtx_;
    std::condition_variable cv_;
    std::deque<caf::resumable*> queue_;
    size_t sleepers_ = 0;
    /// queue_.size(), readable without the lock (the streak check).
    std::atomic<size_t> queued_{0};
    std::array<slot, max_slots> slots_;
    std::once_flag watchdog_once_;
    std::mutex watchdog_mtx_;
    std::condition_variable watchdog_cv_;
    bool watchdog_stop_ = false;
    std::thread watchdog_;
    std::atomic<size_t> stopped_workers_{0};
  };

  /// Nothing per worker beyond its id: the slots live in coordinator_data.
  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {
      // nop
    }
  };

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    d(self).push(job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    d(self->parent()).push(job);
  }

  /// A message sent (or an actor spawned) from a job running on `self`.
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    d(self->parent()).place(self->id(), job);
  }

  /// The job yielded (max_throughput): behind everyone else, as in `sharing`.
  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    d(self->parent()).push(job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    return d(self->parent()).next(self->id());
  }

  template <class Worker>
  void before_resume(Worker* self, caf::resumable* job) {
    d(self->parent()).running(self->id(), job);
  }

  template <class Worker>
  void before_shutdown(Worker* self) {
    d(self->parent()).worker_stopped();
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker* self, UnaryFunction f) {
    if (auto* job = d(self->parent()).take_slot(self->id()))
      f(job);
  }

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    for (auto* job = d(self).take_central(); job != nullptr; job = d(self).take_central())
      f(job);
  }
};

} // namespace smith::core

namespace caf::scheduler {

/// The worker loop of the affinity policy: CAF's loop minus its per-job logger bookkeeping
/// (and, when CAF is built with CAF_LOG_LEVEL_QUIET, without a current logger at all).
/// CAF 0.17's generic loop names each job's actor for CAF's logger through a dynamic_cast
/// (a cross-cast: an RTTI walk with a strcmp per base, longer for deeper actor classes such
/// as agents) and two logger map updates; scheduled_actor::resume does the same naming
/// itself, so here it is dropped (measured: ~10 % of a request/reply round trip).
/// Declared here, before any use, so every instantiation of the worker sees it.
template <>
void worker<smith::core::affinity_sharing>::run();

} // namespace caf::scheduler
