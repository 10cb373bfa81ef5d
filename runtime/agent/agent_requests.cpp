// The agent's requests: counting those in flight and carrying their trace context.
#include "runtime/agent/agent_core.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>

namespace smith::agent {

/// The traceparents of one agent's waiting user messages (see agent_core::traces_), in a
/// ring of fixed-size slots: messages are mostly handled in the order they were admitted, so
/// a take usually finds its message at the head, and neither side allocates per message.
struct agent_core::trace_map {
  struct slot {
    const caf::mailbox_element* element = nullptr;
    kept_trace trace;
  };
  std::mutex mtx;
  std::vector<slot> ring{16};
  size_t head = 0;
  /// Slots in use, from head on; readable without the lock: untraced messages skip it.
  std::atomic<size_t> size{0};

  slot& at(size_t i) { return ring[(head + i) % ring.size()]; }

  void push(const caf::mailbox_element* x, std::string_view tp) {
    auto n = size.load(std::memory_order_relaxed);
    if (n == ring.size()) { // full: unroll into a ring twice the size
      std::vector<slot> bigger(ring.size() * 2);
      for (size_t i = 0; i < n; ++i)
        bigger[i] = at(i);
      ring.swap(bigger);
      head = 0;
    }
    auto& s = at(n);
    s.element = x;
    s.trace.size = static_cast<uint8_t>(std::min(tp.size(), s.trace.text.size()));
    std::copy_n(tp.data(), s.trace.size, s.trace.text.data());
    size.store(n + 1, std::memory_order_release);
  }

  /// Takes the slot of `x`; one found behind the head trades places with the head first.
  kept_trace take(const caf::mailbox_element* x) {
    auto n = size.load(std::memory_order_relaxed);
    for (size_t i = 0; i < n; ++i) {
      if (at(i).element != x)
        continue;
      if (i != 0)
        std::swap(at(i), at(0));
      auto out = at(0).trace;
      head = (head + 1) % ring.size();
      size.store(n - 1, std::memory_order_release);
      return out;
    }
    return {};
  }
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

void agent_core::tap_current(caf::scheduled_actor* self) {
  auto* x = self->current_mailbox_element();
  if (x != nullptr && is_user_message(*x))
    tap_request(self, *x);
}

void agent_core::keep_trace(const caf::mailbox_element& x) {
  auto tp = log::current_traceparent();
  if (!tp.empty())
    keep_trace(x, tp);
}

void agent_core::keep_trace(const caf::mailbox_element& x, std::string_view traceparent) {
  auto* map = traces_.load(std::memory_order_acquire);
  if (!map) { // the first traced message: senders may race to make the map, one wins
    auto fresh = std::make_unique<trace_map>();
    if (traces_.compare_exchange_strong(map, fresh.get(), std::memory_order_acq_rel))
      map = fresh.release();
  }
  std::lock_guard guard{map->mtx};
  map->push(&x, traceparent);
}

agent_core::kept_trace agent_core::take_trace(const caf::mailbox_element& x) {
  auto* map = traces_.load(std::memory_order_acquire);
  if (!map || map->size.load(std::memory_order_acquire) == 0)
    return {};
  std::lock_guard guard{map->mtx};
  return map->take(&x);
}

} // namespace smith::agent
