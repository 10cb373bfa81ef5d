// Process-wide live counters of SDK agents, for /metrics: cheap to write, read by scrapes.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/agent/lifecycle.hpp"

namespace smith::agent {

/// One agent's counters. Written by the agent itself (and rejections by its senders'
/// threads) with relaxed atomics: no lock, no shared cache line on the message path.
struct agent_meter {
  std::atomic<uint64_t> handled{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rejected_overloaded{0};
  std::atomic<uint64_t> rejected_draining{0};
  /// Current lifecycle state.
  std::atomic<uint8_t> state{static_cast<uint8_t>(lifecycle_state::unregistered)};
  /// The agent's own count of waiting user messages; valid while attached.
  const std::atomic<size_t>* queued = nullptr;
};

/// What a scrape sees for one (domain, agent type): counts of every agent that ever ran
/// (live ones plus those gone), and the live agents' mailbox depth and states.
struct agent_type_totals {
  std::string domain;
  std::string type;
  uint64_t handled = 0;
  uint64_t errors = 0;
  uint64_t rejected_overloaded = 0;
  uint64_t rejected_draining = 0;
  /// Sum of the live agents' mailbox depths, and the largest one.
  uint64_t mailbox_depth = 0;
  uint64_t mailbox_depth_max = 0;
  /// Live agents per lifecycle_state (index = the enum's value).
  std::array<uint64_t, 8> live_by_state{};
};

/// Every SDK agent of the process (all nodes in it, all plugins: the runtime is one shared
/// library). Thread-safe; attach/detach take a lock (agent start and exit only), reads take
/// it too (scrapes); the counters themselves are never behind it.
class agent_meters {
public:
  /// The process's table.
  static agent_meters& instance();

  /// Registers a new agent of `type` in `domain`, whose mailbox count is `queued` (it must
  /// stay valid until detach). The caller owns the meter and must detach it before it dies.
  std::unique_ptr<agent_meter> attach(const std::string& domain, const std::string& type,
                                      const std::atomic<size_t>* queued);

  /// Folds `m`'s counts into its type's totals and forgets it. Idempotent (null: nop).
  void detach(agent_meter* m);

  /// Counts one lifecycle transition into `to` (any agent).
  void count_transition(lifecycle_state to) noexcept;

  /// Totals per (domain, type), sorted.
  std::vector<agent_type_totals> totals() const;

  /// Transitions into each state so far (index = the enum's value).
  std::array<uint64_t, 8> transitions() const noexcept;

private:
  struct impl;
  agent_meters();
  ~agent_meters();
  std::unique_ptr<impl> impl_;
  std::array<std::atomic<uint64_t>, 8> transitions_{};
};

} // namespace smith::agent
