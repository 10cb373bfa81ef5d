// pingpong: sequential request/response round trips, Smith agent vs plain typed CAF actor.
//
// Both sides use the same pattern: an event-based driver sends
// request(ping, n) and sends the next request from the .then of the previous
// one, so exactly one round trip is in flight. Only the responder differs.
#include <caf/all.hpp>

#include "runtime/agent/agent.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;

/// The responder's interface on both sides: answer the sequence number.
using pong_iface = caf::typed_actor<caf::replies_to<ping_atom, int64_t>::with<int64_t>>;

/// The agent needs a state type; the responder keeps nothing.
struct pong_state {};

using pong_agent = agent::agent_actor<pong_iface, pong_state>;

/// The Smith responder: an SDK agent (bounded mailbox, lifecycle, control messages).
pong_iface::behavior_type smith_pong(pong_agent*) {
  return {[](ping_atom, int64_t n) { return n; }};
}

/// The baseline responder: a plain typed CAF actor with the same handler. The int is unused:
/// CAF 0.17 binds a null argument tuple for a function actor without arguments (UBSan).
pong_iface::behavior_type raw_pong(int) {
  return {[](ping_atom, int64_t n) { return n; }};
}

/// Driver state: the peer, who to report to, and progress.
template <class Handle>
struct driver_state {
  Handle peer;
  caf::actor main;
  int64_t total = 0;
  int64_t next = 0;
  int64_t t0 = 0;
  static inline const char* name = "bench.ping_driver";
};

template <class Handle>
using driver_ptr = caf::stateful_actor<driver_state<Handle>>*;

/// Sends the next request; its .then sends the one after, until `total`.
template <class Handle>
void ping_next(driver_ptr<Handle> self) {
  auto& st = self->state;
  self->request(st.peer, caf::infinite, ping_atom::value, st.next)
    .then(
      [=](int64_t) {
        auto& s = self->state;
        if (++s.next < s.total) {
          ping_next(self);
          return;
        }
        self->send(s.main, done_atom::value, now_ns() - s.t0);
        self->quit();
      },
      [=](caf::error& err) {
        self->send(self->state.main, fail_atom::value, "ping failed: " + self->system().render(err));
        self->quit();
      });
}

template <class Handle>
caf::behavior ping_driver(driver_ptr<Handle> self, Handle peer, int64_t total, caf::actor main) {
  self->state.peer = std::move(peer);
  self->state.main = std::move(main);
  self->state.total = total;
  return {[=](go_atom) {
    self->state.t0 = now_ns();
    ping_next(self);
  }};
}

/// Runs `total` round trips against `peer`; returns round trips per second.
template <class Handle>
caf::expected<double> round_trips(caf::actor_system& sys, Handle peer, int64_t total) {
  caf::scoped_actor self{sys};
  auto driver = sys.spawn(ping_driver<Handle>, peer, total, caf::actor_cast<caf::actor>(self));
  self->send(driver, go_atom::value);
  auto ns = await_done(self, std::chrono::seconds{300});
  if (!ns)
    return std::move(ns.error());
  return per_second(static_cast<size_t>(total), *ns);
}

/// Warms the responder up with a tenth of the run, then measures.
template <class Handle>
caf::expected<figures> measure(caf::actor_system& sys, Handle peer, int64_t total) {
  if (auto warm = round_trips(sys, peer, std::max<int64_t>(1, total / 10)); !warm)
    return std::move(warm.error());
  auto rate = round_trips(sys, peer, total);
  caf::anon_send_exit(peer, caf::exit_reason::user_shutdown);
  if (!rate)
    return std::move(rate.error());
  return figures{*rate};
}

/// One Smith repetition in a fresh actor system.
caf::expected<figures> smith_side(const options& opts, int64_t total) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  auto id = agent::make_agent_id("bench", "pong", "1.0.0");
  if (!id)
    return std::move(id.error());
  agent::agent_config acfg;
  acfg.id = std::move(*id);
  auto pong = agent::spawn_agent<pong_iface, pong_state>(sys, std::move(acfg), smith_pong);
  return measure(sys, pong, total);
}

/// One baseline repetition in a fresh actor system.
caf::expected<figures> baseline_side(const options& opts, int64_t total) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  return measure(sys, sys.spawn(raw_pong, 0), total);
}

} // namespace

outcome run_pingpong(const options& opts) {
  auto total = static_cast<int64_t>(scaled(opts, 1'000'000, 100));
  return compare(
    opts, {{"pingpong", "roundtrips/s"}},
    [total](const options& o) { return smith_side(o, total); },
    [total](const options& o) { return baseline_side(o, total); });
}

} // namespace smith::bench
