// Inline dispatch: the scope, the per-thread unit and its run loop.
#include "runtime/core/inline_executor.hpp"

#include <caf/actor_system.hpp>
#include <caf/intrusive_ptr.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "runtime/core/internal/inline_runner.hpp"
#include "runtime/log/trace_context.hpp"

namespace smith::core {

namespace {

using internal::inline_runner;

/// The unit of the dispatch open on this thread (nullptr: none is open).
thread_local inline_runner* inline_tls_open = nullptr;

/// This thread's unit, taken on first use. Never freed (see inline_runner); a thread that
/// exits leaves it to nobody, which costs one small object per delivery thread ever made.
inline_runner* inline_tls_unit() {
  thread_local inline_runner* unit = [] {
    auto* u = new inline_runner;
    internal::inline_watch(u);
    return u;
  }();
  return unit;
}

/// The scheduler `job` belongs to: its actor's home system's, else `fallback`'s.
caf::scheduler::abstract_coordinator& inline_home_scheduler(caf::resumable* job,
                                                             caf::actor_system* fallback) {
  if (job->subtype() == caf::resumable::scheduled_actor)
    return static_cast<caf::scheduled_actor*>(job)->home_system().scheduler();
  return fallback->scheduler();
}

} // namespace

namespace internal {

void inline_runner::exec_later(caf::resumable* job) {
  // CAF calls this from the thread running an actor whose context() is this unit, and also
  // (response_promise::deliver) from any thread holding a promise of an actor that last
  // ran here: only the former may touch the queue.
  bool mine = inline_tls_open == this;
  if (mine && job->subtype() == caf::resumable::scheduled_actor
      && &static_cast<caf::scheduled_actor*>(job)->home_system() != system_)
    mine = false;
  if (mine)
    queue_.push_back(job);
  else
    inline_home_scheduler(job, system_).enqueue(job);
}

void inline_runner::open(caf::actor_system& sys, const inline_options& opts) noexcept {
  system_ = &sys;
  opts_ = opts;
  throughput_ = sys.scheduler().max_throughput();
  warn_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(opts.block_warn).count(),
                std::memory_order_relaxed);
  inline_tls_open = this;
}

void inline_runner::close() noexcept {
  // Handlers run with no trace of their own unless their messages carry one (agents set
  // it from the message): the trace of whatever the delivery callback handled must not leak.
  log::trace_scope no_trace{std::string_view{}};
  auto start = inline_now_ns();
  auto budget_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(opts_.max_time).count();
  size_t jobs = 0;
  auto now = start;
  while (head_ < queue_.size()) {
    auto* job = queue_[head_++];
    if (jobs >= opts_.max_jobs || now - start >= budget_ns) {
      hand_off(job);
      continue;
    }
    ++jobs;
    auto res = run(job, now);
    auto then = inline_now_ns();
    settle(job, res, now, then - now);
    now = then;
  }
  queue_.clear();
  head_ = 0;
  inline_tls_open = nullptr;
}

caf::resumable::resume_result inline_runner::run(caf::resumable* job, int64_t now_ns) {
  current.store(job, std::memory_order_relaxed);
  started_ns.store(now_ns, std::memory_order_release);
  auto res = job->resume(this, throughput_);
  // Dekker with the checker's hazard: after this store, a checker either sees no job or
  // has published its hazard, which the loop below waits out before a release.
  current.store(nullptr, std::memory_order_seq_cst);
  started_ns.store(0, std::memory_order_relaxed);
  while (hazard.load(std::memory_order_seq_cst) == job) {
    // the checker holds it for a few instructions (it takes its own reference)
  }
  return res;
}

void inline_runner::settle(caf::resumable* job, caf::resumable::resume_result res,
                           int64_t began_ns, int64_t took_ns) {
  ran.fetch_add(1, std::memory_order_relaxed);
  auto warn = warn_ns.load(std::memory_order_relaxed);
  // Reported by the checker already if it saw the job running past the threshold.
  if (warn > 0 && took_ns >= warn && reported_ns.load(std::memory_order_relaxed) != began_ns)
    inline_report_blocked(job, took_ns, warn);
  switch (res) {
    case caf::resumable::resume_later:
    case caf::resumable::shutdown_execution_unit:
      // Its throughput is spent (or it is a scheduler job): a worker continues it.
      hand_off(job);
      break;
    case caf::resumable::done:
    case caf::resumable::awaiting_message:
      intrusive_ptr_release(job);
      break;
  }
}

void inline_runner::hand_off(caf::resumable* job) {
  handed_off.fetch_add(1, std::memory_order_relaxed);
  inline_home_scheduler(job, system_).enqueue(job);
}

} // namespace internal

inline_dispatch::inline_dispatch(caf::actor_system& sys, const inline_options& opts) noexcept {
  if (!opts.enabled || inline_tls_open != nullptr)
    return;
  inline_tls_unit()->open(sys, opts);
  active_ = true;
}

inline_dispatch::~inline_dispatch() {
  if (active_)
    inline_tls_open->close();
}

caf::execution_unit* inline_unit() noexcept {
  return inline_tls_open;
}

inline_stats inline_dispatch_stats() noexcept {
  return internal::inline_sum_stats();
}

} // namespace smith::core
