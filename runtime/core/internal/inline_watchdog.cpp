// The blocked-thread checker of inline dispatch, and the process-wide list of runners.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <caf/intrusive_ptr.hpp>
#include <caf/scheduled_actor.hpp>
#include <spdlog/spdlog.h>

#include "runtime/core/internal/inline_runner.hpp"

namespace smith::core::internal {

namespace {

/// Labels reported at most once each; beyond this many, no new ones are logged.
constexpr size_t watchdog_label_limit = 1024;

/// How often the checker looks at the runners.
constexpr auto watchdog_period = std::chrono::milliseconds{10};

/// Every runner ever made, the labels already reported, and the checker thread. Never
/// destroyed (runners outlive everything, and the checker runs until the process ends).
struct watchdog_registry {
  std::mutex mtx;
  std::vector<inline_runner*> runners;
  std::mutex labels_mtx;
  std::set<std::string> labels;
  std::atomic<uint64_t> blocked{0};
  std::once_flag started;
};

watchdog_registry& watchdog_the() {
  static auto* r = new watchdog_registry;
  return *r;
}

std::string watchdog_label(caf::resumable* job) {
  if (job->subtype() != caf::resumable::scheduled_actor)
    return "a scheduler job";
  auto* actor = static_cast<caf::scheduled_actor*>(job);
  if (auto* l = dynamic_cast<const inline_labelled*>(actor))
    return l->inline_label();
  return actor->name();
}

/// Whether `label` is reported for the first time.
bool watchdog_first(const std::string& label) {
  auto& r = watchdog_the();
  std::lock_guard guard{r.labels_mtx};
  return r.labels.size() < watchdog_label_limit && r.labels.insert(label).second;
}

/// Looks at one runner: a job running past its threshold, not reported yet, is reported.
void watchdog_check(inline_runner& u, int64_t now) {
  auto started = u.started_ns.load(std::memory_order_acquire);
  auto warn = u.warn_ns.load(std::memory_order_relaxed);
  if (started == 0 || warn <= 0 || now - started < warn || started == u.reported_ns.load(std::memory_order_relaxed))
    return;
  auto* job = u.current.load(std::memory_order_relaxed);
  if (job == nullptr)
    return;
  u.hazard.store(job, std::memory_order_seq_cst);
  if (u.current.load(std::memory_order_seq_cst) != job
      || u.started_ns.load(std::memory_order_seq_cst) != started) {
    u.hazard.store(nullptr, std::memory_order_release);
    return; // it finished meanwhile (the runner reports it itself)
  }
  intrusive_ptr_add_ref(job); // alive while hazard is set; ours from here on
  u.reported_ns.store(started, std::memory_order_relaxed);
  u.hazard.store(nullptr, std::memory_order_release);
  inline_report_blocked(job, now - started, warn);
  intrusive_ptr_release(job);
}

void watchdog_loop() {
  auto& r = watchdog_the();
  for (;;) {
    std::this_thread::sleep_for(watchdog_period);
    std::vector<inline_runner*> runners;
    {
      std::lock_guard guard{r.mtx};
      runners = r.runners;
    }
    auto now = inline_now_ns();
    for (auto* u : runners)
      watchdog_check(*u, now);
  }
}

} // namespace

void inline_report_blocked(caf::resumable* job, int64_t ns, int64_t warn_ns) {
  auto& r = watchdog_the();
  auto label = watchdog_label(job);
  r.blocked.fetch_add(1, std::memory_order_relaxed);
  if (!watchdog_first(label))
    return;
  spdlog::warn("inline dispatch: {} held a NATS delivery thread for {} ms (threshold {} ms); "
               "handlers that may run inline must not block: meanwhile this thread delivers "
               "no other message. Set [bridge] inline_dispatch = false to run handlers on CAF "
               "workers only. Not logged again for {}",
               label, ns / 1'000'000, warn_ns / 1'000'000, label);
}

void inline_watch(inline_runner* u) {
  auto& r = watchdog_the();
  {
    std::lock_guard guard{r.mtx};
    r.runners.push_back(u);
  }
  std::call_once(r.started, [] { std::thread{watchdog_loop}.detach(); });
}

inline_stats inline_sum_stats() noexcept {
  auto& r = watchdog_the();
  inline_stats out;
  std::lock_guard guard{r.mtx};
  for (auto* u : r.runners) {
    out.ran += u->ran.load(std::memory_order_relaxed);
    out.handed_off += u->handed_off.load(std::memory_order_relaxed);
  }
  out.blocked = r.blocked.load(std::memory_order_relaxed);
  return out;
}

} // namespace smith::core::internal
