// Agent lifecycle transitions.
#include "runtime/agent/lifecycle.hpp"

#include <array>
#include <string_view>

#include "runtime/agent/agent_errc.hpp"

namespace smith::agent {

bool is_legal(lifecycle_state from, lifecycle_state to) {
  using s = lifecycle_state;
  if (from == s::terminated)
    return false;
  if (to == s::terminated)
    return true;
  switch (from) {
    case s::unregistered: return to == s::registering;
    case s::registering: return to == s::registered || to == s::unregistered;
    case s::registered: return to == s::active;
    case s::active: return to == s::suspended || to == s::draining;
    case s::suspended: return to == s::active || to == s::draining;
    case s::draining: return to == s::suspended;
    case s::terminated: return false;
  }
  return false;
}

const char* to_string(lifecycle_state x) {
  switch (x) {
    case lifecycle_state::unregistered: return "unregistered";
    case lifecycle_state::registering: return "registering";
    case lifecycle_state::registered: return "registered";
    case lifecycle_state::active: return "active";
    case lifecycle_state::draining: return "draining";
    case lifecycle_state::suspended: return "suspended";
    case lifecycle_state::terminated: return "terminated";
  }
  return "unknown";
}

namespace {

/// The ordinary start: from, to and reason of each step.
struct lifecycle_start_step {
  lifecycle_state from;
  lifecycle_state to;
  std::string_view reason;
};

constexpr std::array<lifecycle_start_step, 3> lifecycle_start_steps{{
  {lifecycle_state::unregistered, lifecycle_state::registering, ""},
  {lifecycle_state::registering, lifecycle_state::registered, ""},
  {lifecycle_state::registered, lifecycle_state::active, "started"},
}};

} // namespace

bool lifecycle::is_start_step(size_t i, lifecycle_state from, lifecycle_state to,
                              const std::string& reason) noexcept {
  auto& s = lifecycle_start_steps[i];
  return s.from == from && s.to == to && s.reason == reason;
}

caf::error lifecycle::transition(lifecycle_state to, int64_t at_ns, std::string reason) {
  if (!is_legal(state_, to))
    return caf::make_error(agent_errc::illegal_transition,
                           std::string{"cannot go from "} + to_string(state_) + " to "
                             + to_string(to));
  if (!later_ && started_ < start_transitions && is_start_step(started_, state_, to, reason)) {
    started_at_[started_++] = at_ns;
  } else {
    if (!later_)
      later_ = std::make_unique<std::vector<lifecycle_transition>>();
    later_->push_back({state_, to, at_ns, std::move(reason)});
  }
  state_ = to;
  return {};
}

std::vector<lifecycle_transition> lifecycle::history() const {
  std::vector<lifecycle_transition> out;
  out.reserve(started_ + (later_ ? later_->size() : 0));
  for (size_t i = 0; i < started_; ++i) {
    auto& s = lifecycle_start_steps[i];
    out.push_back({s.from, s.to, started_at_[i], std::string{s.reason}});
  }
  if (later_)
    out.insert(out.end(), later_->begin(), later_->end());
  return out;
}

} // namespace smith::agent
