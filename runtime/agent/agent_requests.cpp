// The agent's requests: counting those in flight and carrying their trace context.
#include "runtime/agent/agent_core.hpp"

#include <mutex>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>

namespace smith::agent {

/// The traceparents of one agent's waiting user messages (see agent_core::traces_).
struct agent_core::trace_map {
  std::mutex mtx;
  std::unordered_map<const caf::mailbox_element*, std::string> by_element;
  /// by_element.size(), readable without the lock: untraced messages skip it.
  std::atomic<size_t> size{0};
};

agent_core::~agent_core() {
  agent_meters::instance().detach(meter_, cfg_.domain(), cfg_.type());
  delete traces_.load(std::memory_order_acquire); // here: where trace_map is complete
}

bool agent_core::tap_request(caf::scheduled_actor* self, caf::mailbox_element& x) {
  if (!x.mid.is_request() || x.mid.is_answered() || !x.sender)
    return false;
  auto& e = extra();
  if (!e.tap) {
    e.in_flight = std::make_shared<in_flight_counter>();
    e.tap = make_reply_tap(self->home_system(), self->ctrl(), e.in_flight);
  }
  push_reply_tap(x, e.tap);
  e.in_flight->value.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

void agent_core::untap_request(caf::mailbox_element& x) {
  if (extras_ && extras_->tap && !x.stages.empty() && x.stages.back() == extras_->tap) {
    x.stages.pop_back();
    extras_->in_flight->value.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void agent_core::keep_trace(const caf::mailbox_element& x) {
  auto tp = log::current_traceparent();
  if (!tp.empty())
    keep_trace(x, std::string{tp});
}

void agent_core::keep_trace(const caf::mailbox_element& x, std::string traceparent) {
  auto* map = traces_.load(std::memory_order_acquire);
  if (!map) { // the first traced message: senders may race to make the map, one wins
    auto fresh = std::make_unique<trace_map>();
    if (traces_.compare_exchange_strong(map, fresh.get(), std::memory_order_acq_rel))
      map = fresh.release();
  }
  std::lock_guard guard{map->mtx};
  map->by_element[&x] = std::move(traceparent);
  map->size.store(map->by_element.size(), std::memory_order_release);
}

std::string agent_core::take_trace(const caf::mailbox_element& x) {
  auto* map = traces_.load(std::memory_order_acquire);
  if (!map || map->size.load(std::memory_order_acquire) == 0)
    return {};
  std::lock_guard guard{map->mtx};
  auto i = map->by_element.find(&x);
  if (i == map->by_element.end())
    return {};
  auto out = std::move(i->second);
  map->by_element.erase(i);
  map->size.store(map->by_element.size(), std::memory_order_release);
  return out;
}

} // namespace smith::agent
