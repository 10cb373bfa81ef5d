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
/// The first transitions (an agent's start) are kept inline in compact form while their
/// reasons are short; any other transition, and every one after it, goes to the heap.
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
  lifecycle_state state_ = lifecycle_state::unregistered;
  /// A transition whose reason fits in 13 bytes, stored without a std::string.
  struct compact_transition {
    int64_t at_ns = 0;
    lifecycle_state from = lifecycle_state::unregistered;
    lifecycle_state to = lifecycle_state::unregistered;
    uint8_t reason_size = 0;
    char reason[13] = {};
  };
  uint8_t started_ = 0; // entries of first_ in use
  std::array<compact_transition, start_transitions> first_;
  /// Made on the first transition that does not fit first_ (8 bytes until then).
  std::unique_ptr<std::vector<lifecycle_transition>> later_;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lifecycle_transition& x) {
  return f(caf::meta::type_name("smith.lifecycle_transition"), x.from, x.to, x.at_ns, x.reason);
}

} // namespace smith::agent
