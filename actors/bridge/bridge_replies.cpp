// Replies to our calls arriving over NATS, and calls whose deadline passed without one.
#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

#include <caf/all.hpp>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/core/inline_executor.hpp"
#include "runtime/bridge/subject.hpp"

namespace smith::actors {

using bridge::wire_code;

std::optional<pending_call> pending_table::take(uint64_t corr) {
  std::lock_guard guard{mtx};
  auto i = calls.find(corr);
  if (i == calls.end())
    return std::nullopt;
  std::optional<pending_call> out{std::move(i->second)};
  calls.erase(i);
  return out;
}

namespace {

/// Answers `p`'s caller from a delivery thread: the response goes straight into its
/// mailbox, and the caller, if idle, runs on this thread when the callback's inline
/// dispatch ends (without one, CAF schedules it, as for anon_send).
void replies_answer(const pending_call& p, caf::message msg) {
  auto& src = p.rp.source();
  if (src)
    src->enqueue(nullptr, p.rp.id().response_id(), std::move(msg), core::inline_unit());
}

} // namespace

std::function<void(const nats::inbound_view&)> reply_handler(bridge_self* self) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto table = self->state.pending;
  auto prefix = self->state.opts.link->reply_prefix;
  auto* sys = &self->system();
  auto inline_opts = self->state.opts.inline_dispatch;
  return [me, table, prefix, sys, inline_opts](const nats::inbound_view& m) {
    core::inline_dispatch inline_scope{*sys, inline_opts}; // first: it runs the caller last
    auto corr = bridge::parse_reply_subject(prefix, m.subject);
    bool direct = false;
    if (corr) {
      std::lock_guard guard{table->mtx};
      auto i = table->calls.find(*corr);
      if (i == table->calls.end()) {
        table->late.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      direct = !i->second.gather && i->second.rp.stages().empty();
    }
    if (!direct) {
      caf::anon_send(me, bridge::reply_atom::value, m.to_msg());
      return;
    }
    auto p = table->take(*corr);
    if (!p)
      return; // expired meanwhile: the bridge answered
    auto res = bridge::decode_reply_view(m);
    replies_answer(*p, res ? caf::make_message(std::move(*res))
                           : caf::make_message(std::move(res.error())));
  };
}

void on_reply(bridge_self* self, nats::inbound_msg& m) {
  auto& st = self->state;
  auto corr = bridge::parse_reply_subject(st.opts.link->reply_prefix, m.subject);
  std::unique_lock guard{st.pending->mtx};
  auto& calls = st.pending->calls;
  auto i = corr ? calls.find(*corr) : calls.end();
  if (i == calls.end()) {
    ++st.stats.late_replies; // its deadline passed already, or not ours
    return;
  }
  auto& p = i->second;
  auto res = bridge::decode_reply(m);
  if (!p.gather) {
    auto rp = std::move(p.rp);
    calls.erase(i);
    guard.unlock();
    if (res)
      rp.deliver(std::move(*res));
    else
      rp.deliver(std::move(res.error()));
    return;
  }
  if (res)
    p.gathered.push_back(std::move(*res));
  if (p.expected != 0 && p.gathered.size() >= p.expected) {
    auto done = std::move(p);
    calls.erase(i);
    guard.unlock();
    done.rp.deliver(std::move(done.gathered));
  }
}

namespace {

int64_t replies_ns(bridge::wall_time t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Answers a call whose deadline passed: a gather with what it gathered, a call with
/// DEADLINE_EXCEEDED.
void replies_expire(pending_call& p) {
  if (p.gather)
    p.rp.deliver(std::move(p.gathered));
  else
    p.rp.deliver(caf::make_error(wire_code::deadline_exceeded,
                                 "no reply from " + p.subject + " before the deadline"));
}

/// Answers every call past its deadline and arms the sweep for the earliest one left.
void replies_sweep(bridge_self* self) {
  auto& t = *self->state.pending;
  // Disarmed before the scan: a call parked from now on arms its own sweep.
  t.sweep_at.store(std::numeric_limits<int64_t>::max(), std::memory_order_release);
  std::vector<pending_call> due;
  auto next = bridge::wall_time::max();
  auto now = std::chrono::system_clock::now();
  {
    std::lock_guard guard{t.mtx};
    for (auto i = t.calls.begin(); i != t.calls.end();) {
      if (i->second.deadline <= now) {
        due.push_back(std::move(i->second));
        i = t.calls.erase(i);
      } else {
        next = std::min(next, i->second.deadline);
        ++i;
      }
    }
  }
  for (auto& p : due)
    replies_expire(p);
  if (next != bridge::wall_time::max())
    arm_expiry(self->system(), caf::actor_cast<caf::strong_actor_ptr>(self), t, next);
}

} // namespace

bool pending_table::arm_sweep(bridge::wall_time due) {
  auto at = replies_ns(due);
  auto cur = sweep_at.load(std::memory_order_acquire);
  while (at < cur)
    if (sweep_at.compare_exchange_weak(cur, at, std::memory_order_acq_rel))
      return true;
  return false;
}

void arm_expiry(caf::actor_system& sys, const caf::strong_actor_ptr& bridge, pending_table& t,
                bridge::wall_time deadline) {
  if (!bridge || !t.arm_sweep(deadline))
    return;
  auto left = std::chrono::duration_cast<caf::timespan>(deadline
                                                        - std::chrono::system_clock::now());
  auto& clock = sys.clock();
  clock.schedule_message(clock.now() + std::max(left, caf::timespan{0}), bridge,
                         caf::make_mailbox_element(nullptr, caf::make_message_id(), {},
                                                   bridge::expire_atom::value, uint64_t{0}));
}

void on_expire(bridge_self* self, uint64_t correlation) {
  if (correlation == 0)
    return replies_sweep(self);
  if (auto p = self->state.pending->take(correlation))
    replies_expire(*p);
}

} // namespace smith::actors
