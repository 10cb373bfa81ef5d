// The agent's requests: counting those in flight and carrying their trace context.
#include "runtime/agent/agent_core.hpp"

#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>

namespace smith::agent {

bool agent_core::tap_request(caf::scheduled_actor* self, caf::mailbox_element& x) {
  if (!x.mid.is_request() || x.mid.is_answered() || !x.sender)
    return false;
  if (!reply_tap_)
    reply_tap_ = make_reply_tap(self->home_system(), self->ctrl(), in_flight_);
  x.stages.push_back(reply_tap_);
  in_flight_->value.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

void agent_core::untap_request(caf::mailbox_element& x) {
  if (!x.stages.empty() && x.stages.back() == reply_tap_) {
    x.stages.pop_back();
    in_flight_->value.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void agent_core::keep_trace(const caf::mailbox_element& x) {
  auto tp = log::current_traceparent();
  if (!tp.empty())
    keep_trace(x, std::string{tp});
}

void agent_core::keep_trace(const caf::mailbox_element& x, std::string traceparent) {
  std::lock_guard guard{traces_mtx_};
  traces_[&x] = std::move(traceparent);
  traced_.store(traces_.size(), std::memory_order_release);
}

std::string agent_core::take_trace(const caf::mailbox_element& x) {
  if (traced_.load(std::memory_order_acquire) == 0)
    return {};
  std::lock_guard guard{traces_mtx_};
  auto i = traces_.find(&x);
  if (i == traces_.end())
    return {};
  auto out = std::move(i->second);
  traces_.erase(i);
  traced_.store(traces_.size(), std::memory_order_release);
  return out;
}

} // namespace smith::agent
