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

class agent_meters;

/// One agent's counters, held inline by the agent. Written by the agent itself (and
/// rejections and the mailbox count by its senders' threads) with relaxed atomics: no lock,
/// no shared cache line on the message path. Attached to its (domain, type) group by
/// agent_meters while the agent lives.
struct agent_meter {
  std::atomic<uint64_t> handled{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rejected_overloaded{0};
  std::atomic<uint64_t> rejected_draining{0};
  /// The agent's user messages accepted and not handled yet (its mailbox bound).
  std::atomic<size_t> queued{0};
  /// Current lifecycle state.
  std::atomic<uint8_t> state{static_cast<uint8_t>(lifecycle_state::unregistered)};

private:
  friend class agent_meters;
  // In the padding after `state`: whether the meter is in its group's list. The group is
  // not kept (8 bytes in every agent): detach finds it by domain and type.
  bool attached_ = false;
  // The group's intrusive list of live meters; guarded by the group's lock.
  agent_meter* prev_ = nullptr;
  agent_meter* next_ = nullptr;
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
/// library). Thread-safe. Each (domain, type) group has its own lock, taken only at agent
/// start and exit and by scrapes; a thread finds its last group without the table's lock.
/// The counters themselves are never behind a lock.
class agent_meters {
public:
  /// The process's table.
  static agent_meters& instance();

  /// Registers `m`, the meter of a new agent of `type` in `domain`. `m` must stay where it
  /// is until detach(m, domain, type), which must come before it dies.
  void attach(agent_meter& m, const std::string& domain, const std::string& type);

  /// Folds `m`'s counts into its type's totals and forgets it; `domain` and `type` are the
  /// ones `m` was attached with. Idempotent.
  void detach(agent_meter& m, const std::string& domain, const std::string& type);

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
