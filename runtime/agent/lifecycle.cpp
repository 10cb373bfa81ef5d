// Agent lifecycle transitions.
#include "runtime/agent/lifecycle.hpp"

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

caf::error lifecycle::transition(lifecycle_state to, int64_t at_ns, std::string reason) {
  if (!is_legal(state_, to))
    return caf::make_error(agent_errc::illegal_transition,
                           std::string{"cannot go from "} + to_string(state_) + " to "
                             + to_string(to));
  if (!later_ && started_ < first_.size() && reason.size() <= sizeof(first_[0].reason)) {
    auto& c = first_[started_++];
    c.at_ns = at_ns;
    c.from = state_;
    c.to = to;
    c.reason_size = static_cast<uint8_t>(reason.size());
    reason.copy(c.reason, reason.size());
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
    auto& c = first_[i];
    out.push_back({c.from, c.to, c.at_ns, std::string{c.reason, c.reason_size}});
  }
  if (later_)
    out.insert(out.end(), later_->begin(), later_->end());
  return out;
}

} // namespace smith::agent
