// The central queue, the slots and the watchdog of the affinity_sharing scheduler policy.
#include "runtime/core/affinity_sharing.hpp"

#include <algorithm>
#include <chrono>

#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace smith::core {

namespace {

/// Watchdog poll periods: while slots are in use, and after `affinity_idle_polls` empty polls.
constexpr auto affinity_busy_period = std::chrono::milliseconds{1};
constexpr auto affinity_idle_period = std::chrono::milliseconds{10};
constexpr int affinity_idle_polls = 100;

} // namespace

affinity_sharing::coordinator_data::coordinator_data(caf::scheduler::abstract_coordinator* parent)
  : parent_(parent) {
  // The watchdog starts with the first dequeue: num_workers() is known only after init.
}

affinity_sharing::coordinator_data::~coordinator_data() {
  stop_watchdog();
}

void affinity_sharing::coordinator_data::push(caf::resumable* job) {
  std::lock_guard<std::mutex> guard{mtx_};
  queue_.push_back(job);
  queued_.fetch_add(1, std::memory_order_relaxed);
  if (sleepers_ > 0)
    cv_.notify_one();
}

void affinity_sharing::coordinator_data::place(size_t id, caf::resumable* job) {
  if (id >= max_slots) {
    push(job);
    return;
  }
  auto& s = slots_[id];
  // Only this worker fills its slot: a full one stays full until it is read here, so a
  // fan-out (one job waking many) skips the checks and atomics below for all but the first.
  if (s.job.load(std::memory_order_relaxed) != nullptr) {
    push(job);
    return;
  }
  auto* current = s.running.load(std::memory_order_relaxed);
  if (current != nullptr && current->getf(caf::abstract_actor::is_terminated_flag)) {
    push(job);
    return;
  }
  // Counted before the store: a watchdog that sees this job also sees the new count.
  s.fills.fetch_add(1, std::memory_order_relaxed);
  caf::resumable* empty = nullptr;
  if (!s.job.compare_exchange_strong(empty, job, std::memory_order_acq_rel))
    push(job);
}

void affinity_sharing::coordinator_data::running(size_t id, caf::resumable* job) {
  if (id >= max_slots)
    return;
  // Every actor the scheduler runs is a scheduled_actor (non-virtual bases: a static cast).
  auto* actor = job->subtype() == caf::resumable::scheduled_actor
                  ? static_cast<caf::abstract_actor*>(static_cast<caf::scheduled_actor*>(job))
                  : nullptr;
  slots_[id].running.store(actor, std::memory_order_relaxed);
}

caf::resumable* affinity_sharing::coordinator_data::next(size_t id) {
  std::call_once(watchdog_once_, [this] { start_watchdog(); });
  auto* s = id < max_slots ? &slots_[id] : nullptr;
  if (s != nullptr) {
    if (s->streak < max_streak || queued_.load(std::memory_order_relaxed) == 0) {
      if (auto* job = s->job.exchange(nullptr, std::memory_order_acquire)) {
        ++s->streak;
        return job;
      }
    }
    s->streak = 0;
  }
  std::unique_lock<std::mutex> guard{mtx_};
  for (;;) {
    if (!queue_.empty()) {
      auto* job = queue_.front();
      queue_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
      return job;
    }
    // Skipped for fairness above, and the central job was taken meanwhile.
    if (s != nullptr)
      if (auto* job = s->job.exchange(nullptr, std::memory_order_acquire))
        return job;
    ++sleepers_;
    cv_.wait(guard);
    --sleepers_;
  }
}

caf::resumable* affinity_sharing::coordinator_data::take_slot(size_t id) {
  return id < max_slots ? slots_[id].job.exchange(nullptr, std::memory_order_acquire) : nullptr;
}

caf::resumable* affinity_sharing::coordinator_data::take_central() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (queue_.empty())
    return nullptr;
  auto* job = queue_.front();
  queue_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return job;
}

void affinity_sharing::coordinator_data::worker_stopped() {
  // The last worker stops the watchdog, so that it cannot move a job into the central queue
  // after the coordinator's final cleanup walked it.
  if (stopped_workers_.fetch_add(1) + 1 >= parent_->num_workers())
    stop_watchdog();
}

void affinity_sharing::coordinator_data::start_watchdog() {
  watchdog_ = std::thread{[this] { watch(); }};
}

void affinity_sharing::coordinator_data::stop_watchdog() {
  {
    std::lock_guard<std::mutex> guard{watchdog_mtx_};
    watchdog_stop_ = true;
  }
  watchdog_cv_.notify_all();
  if (watchdog_.joinable() && watchdog_.get_id() != std::this_thread::get_id())
    watchdog_.join();
}

void affinity_sharing::coordinator_data::watch() {
  auto n = std::min(parent_->num_workers(), max_slots);
  int empty_polls = 0;
  std::unique_lock<std::mutex> guard{watchdog_mtx_};
  for (;;) {
    auto period = empty_polls < affinity_idle_polls ? affinity_busy_period : affinity_idle_period;
    if (watchdog_cv_.wait_for(guard, period, [this] { return watchdog_stop_; }))
      return;
    bool occupied = false;
    for (size_t i = 0; i < n; ++i)
      occupied = rescue(slots_[i]) || occupied;
    empty_polls = occupied ? 0 : empty_polls + 1;
  }
}

bool affinity_sharing::coordinator_data::rescue(slot& s) {
  auto* job = s.job.load(std::memory_order_acquire);
  auto fills = s.fills.load(std::memory_order_relaxed);
  if (job == nullptr) {
    s.seen_job = nullptr;
    return false;
  }
  if (job == s.seen_job && fills == s.seen_fills
      && s.job.compare_exchange_strong(job, nullptr, std::memory_order_acq_rel)) {
    s.seen_job = nullptr;
    push(job);
    return true;
  }
  s.seen_job = job;
  s.seen_fills = fills;
  return true;
}

} // namespace smith::core

namespace caf::scheduler {

template <>
void worker<smith::core::affinity_sharing>::run() {
#if CAF_LOG_LEVEL == CAF_LOG_LEVEL_QUIET
  // CAF built to log nothing (Debian's is) still keeps, on every resume, the thread's actor
  // id in its logger's map under a spinlock (CAF_PUSH_AID in scheduled_actor::resume). It
  // skips that when the thread has no current logger, which it never needs at this level.
  CAF_SET_LOGGER_SYS(nullptr);
#else
  CAF_SET_LOGGER_SYS(&system());
#endif
  for (;;) {
    auto* job = policy_.dequeue(this);
    policy_.before_resume(this, job);
    auto res = job->resume(this, max_throughput_);
    policy_.after_resume(this, job);
    switch (res) {
      case resumable::resume_later:
        policy_.resume_job_later(this, job);
        break;
      case resumable::done:
        policy_.after_completion(this, job);
        intrusive_ptr_release(job);
        break;
      case resumable::awaiting_message:
        intrusive_ptr_release(job);
        break;
      case resumable::shutdown_execution_unit:
        policy_.after_completion(this, job);
        policy_.before_shutdown(this);
        return;
    }
  }
}

} // namespace caf::scheduler

