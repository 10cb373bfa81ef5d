// The execution unit behind inline_dispatch, and the process-wide pool that owns the units.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/execution_unit.hpp>
#include <caf/resumable.hpp>

#include "runtime/core/inline_executor.hpp"

namespace smith::core::internal {

/// One thread's inline execution unit. Units are never destroyed: a CAF actor keeps the
/// unit it last ran on as its context(), and a response_promise delivered from another
/// thread later calls exec_later on it. Such calls (from any thread but the one with the
/// unit's dispatch open) go to the job's scheduler, so a stale unit is harmless.
class inline_runner final : public caf::execution_unit {
public:
  inline_runner() = default;

  /// Queues `job` if this thread's dispatch is open on this unit, else schedules it.
  void exec_later(caf::resumable* job) override;

  /// Starts a dispatch for `sys` on the calling thread (the unit's current owner).
  void open(caf::actor_system& sys, const inline_options& opts) noexcept;
  /// Runs the queued jobs within the budget, hands the rest to the scheduler, closes.
  void close() noexcept;

  // -- watched by the blocked-thread checker (see inline_executor.cpp) ----------------

  /// Steady-clock ns when the running job started; 0 when none runs.
  std::atomic<int64_t> started_ns{0};
  /// The running job; the checker reads it only under the hazard protocol.
  std::atomic<caf::resumable*> current{nullptr};
  /// The job the checker is looking at; the unit does not release it meanwhile.
  std::atomic<caf::resumable*> hazard{nullptr};
  /// The threshold of the open dispatch, in ns (0 = none).
  std::atomic<int64_t> warn_ns{0};
  /// The started_ns of the last run the checker reported (set before it drops its hazard),
  /// so that the runner does not report that run again when it returns.
  std::atomic<int64_t> reported_ns{0};

  // -- counters, written by the owner only -------------------------------------------
  std::atomic<uint64_t> ran{0};
  std::atomic<uint64_t> handed_off{0};

private:
  /// Resumes `job`, published to the checker as started at `now_ns`.
  caf::resumable::resume_result run(caf::resumable* job, int64_t now_ns);
  /// Counts and reports the run of `job`, then releases it or hands it to the scheduler.
  void settle(caf::resumable* job, caf::resumable::resume_result res, int64_t began_ns,
              int64_t took_ns);
  void hand_off(caf::resumable* job);

  std::vector<caf::resumable*> queue_;
  size_t head_ = 0;
  size_t throughput_ = 1;
  inline_options opts_;
};

/// Steady-clock nanoseconds.
inline int64_t inline_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

/// Reports `job` (alive: its caller holds a reference) for holding a thread `ns` long, once
/// per label; counts every report.
void inline_report_blocked(caf::resumable* job, int64_t ns, int64_t warn_ns);

/// Starts the process's blocked-thread checker (once) and registers `u` with it.
void inline_watch(inline_runner* u);

/// Sums the counters of every unit.
inline_stats inline_sum_stats() noexcept;

} // namespace smith::core::internal
