// The agent lifecycle state machine and its recorded history.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

namespace smith::agent {

/// Lifecycle states (mirrors smith.agent.v1.LifecycleState).
enum class lifecycle_state : uint8_t {
  unregistered = 1,
  registering,
  registered,
  active,
  draining,
  suspended,
  terminated,
};

/// One transition with its time (nanoseconds on the actor clock) and reason.
struct lifecycle_transition {
  lifecycle_state from = lifecycle_state::unregistered;
  lifecycle_state to = lifecycle_state::unregistered;
  int64_t at_ns = 0;
  std::string reason;
};

/// Whether `from -> to` is legal. The legal moves:
/// unregistered -> registering; registering -> registered | unregistered;
/// registered -> active; active -> suspended | draining; suspended -> active | draining;
/// draining -> suspended (drained and parked); any non-terminated state -> terminated.
bool is_legal(lifecycle_state from, lifecycle_state to);

/// Lowercase name of a state ("active", ...).
const char* to_string(lifecycle_state x);

/// The current state plus every transition taken. Not thread-safe: owned by one agent.
/// An agent's ordinary start (unregistered -> registering -> registered -> active "started")
/// is kept as three timestamps (its states and reasons are known); any other transition, and
/// every one after it, goes to the heap.
class lifecycle {
public:
  lifecycle_state state() const noexcept { return state_; }
  /// Every transition taken, oldest first (a copy).
  std::vector<lifecycle_transition> history() const;

  /// Moves to `to`, recording the transition; returns agent_errc::illegal_transition
  /// naming both states (and changes nothing) when the move is not legal.
  caf::error transition(lifecycle_state to, int64_t at_ns, std::string reason = {});

private:
  /// unregistered -> registering -> registered -> active.
  static constexpr size_t start_transitions = 3;
  /// Whether `from -> to` with `reason` is start transition `i` of an ordinary start.
  static bool is_start_step(size_t i, lifecycle_state from, lifecycle_state to,
                            const std::string& reason) noexcept;
  std::array<int64_t, start_transitions> started_at_{};
  /// Made on the first transition that is not the next start step (8 bytes until then).
  std::unique_ptr<std::vector<lifecycle_transition>> later_;
  // Last, so that an owner may put small members in the tail padding.
  lifecycle_state state_ = lifecycle_state::unregistered;
  uint8_t started_ = 0; // start transitions kept in started_at_
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lifecycle_transition& x) {
  return f(caf::meta::type_name("smith.lifecycle_transition"), x.from, x.to, x.at_ns, x.reason);
}

} // namespace smith::agent
