// fanout: 1M asynchronous messages round-robin to 100k receivers, Smith agents vs typed CAF actors.
//
// Both sides: one driver actor sends `tick` to receiver i % R in a single
// handler; each receiver counts and, on its last expected tick of a round,
// sends `done` to the driver. The clock runs from the first send to the last
// `done` (stack.md 4.2). Receivers are started and initialised before the
// clock starts; a warm-up round precedes the measured one.
#include <caf/all.hpp>
#include <fmt/format.h>

#include "runtime/agent/agent.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;
using setup_atom = caf::atom_constant<caf::atom("setup")>;

/// A receiver on both sides.
using tick_iface = caf::typed_actor<caf::reacts_to<tick_atom>>;

/// Receiver state: ticks seen so far (across rounds).
struct tick_state {
  uint64_t seen = 0;
  static inline const char* name = "bench.tick";
};

using tick_agent = agent::agent_actor<tick_iface, tick_state>;

constexpr std::chrono::seconds limit{120};

/// The receiver's handler, shared by both sides: report every `quota` ticks.
template <class Self>
tick_iface::behavior_type count_ticks(Self* self, uint64_t quota, caf::actor collector) {
  return {[=](tick_atom) {
    // anon_send: a typed receiver may not send() to the untyped driver.
    if (++self->state.seen % quota == 0)
      caf::anon_send(collector, done_atom::value);
  }};
}

/// The baseline receiver: a stateful typed CAF actor with the shared handler.
tick_iface::behavior_type raw_tick(tick_iface::stateful_pointer<tick_state> self, uint64_t quota,
                                   caf::actor collector, countdown* ready) {
  ready->count_down();
  return count_ticks(self, quota, std::move(collector));
}

/// Driver state: the receivers, who to report to, and the round in progress.
template <class Handle>
struct driver_state {
  std::vector<Handle> targets;
  caf::actor main;
  size_t total = 0;
  size_t reports = 0;
  int64_t t0 = 0;
  static inline const char* name = "bench.fan_driver";
};

/// Sender and collector in one: `go` sends a round; it ends when every receiver sent `done`.
template <class Handle>
caf::behavior fan_driver(caf::stateful_actor<driver_state<Handle>>* self, size_t total,
                         caf::actor main) {
  self->state.total = total;
  self->state.main = std::move(main);
  return {
    [=](setup_atom, std::vector<Handle>& targets) { self->state.targets = std::move(targets); },
    [=](go_atom) {
      auto& st = self->state;
      st.reports = 0;
      st.t0 = now_ns();
      for (size_t i = 0; i < st.total; ++i)
        self->send(st.targets[i % st.targets.size()], tick_atom::value);
    },
    [=](done_atom) {
      auto& st = self->state;
      if (++st.reports == st.targets.size())
        self->send(st.main, done_atom::value, now_ns() - st.t0);
    },
  };
}

/// Receiver `i` of `r` gets this many of `total` round-robin ticks.
uint64_t quota(size_t i, size_t r, size_t total) {
  return total / r + (i < total % r ? 1 : 0);
}

/// Stops the receivers and the driver; the system's destructor waits for them.
template <class Handle>
void stop_all(const std::vector<Handle>& targets, const caf::actor& driver) {
  for (auto& t : targets)
    caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
}

/// Waits for the receivers, runs a warm-up and a measured round, stops
/// everything; returns messages per second of the measured round.
template <class Handle>
caf::expected<figures> drive(caf::scoped_actor& self, countdown& ready, caf::actor driver,
                             std::vector<Handle> targets, size_t total) {
  caf::expected<int64_t> ns = failure("fanout: no round ran");
  if (ready.wait_for(limit)) {
    self->send(driver, setup_atom::value, targets);
    for (int round = 0; round < 2; ++round) {
      self->send(driver, go_atom::value);
      if (ns = await_done(self, limit); !ns)
        break;
    }
  } else {
    ns = failure(fmt::format("fanout: only {} of {} receivers started",
                             targets.size() - ready.left(), targets.size()));
  }
  stop_all(targets, driver);
  if (!ns)
    return std::move(ns.error());
  return figures{per_second(total, *ns)};
}

using smith_handle = agent::agent_handle<tick_iface>;

/// Smith: R agents spawned with spawn_agent (unsupervised; supervision does not touch messaging).
caf::expected<figures> smith_side(const options& opts, size_t r, size_t total) {
  countdown ready{r};
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto driver = sys.spawn(fan_driver<smith_handle>, total, caf::actor_cast<caf::actor>(self));
  std::vector<smith_handle> targets;
  targets.reserve(r);
  for (size_t i = 0; i < r; ++i) {
    auto id = agent::make_agent_id("bench", fmt::format("t{}", i), "1.0.0");
    if (!id) {
      stop_all(targets, driver);
      return std::move(id.error());
    }
    auto q = quota(i, r, total);
    agent::agent_config acfg;
    acfg.id = std::move(*id);
    targets.push_back(agent::spawn_agent<tick_iface, tick_state>(
      sys, std::move(acfg), [q, driver, &ready](tick_agent* a) {
        ready.count_down();
        return count_ticks(a, q, driver);
      }));
  }
  return drive(self, ready, driver, std::move(targets), total);
}

/// Baseline: R stateful typed CAF actors.
caf::expected<figures> baseline_side(const options& opts, size_t r, size_t total) {
  countdown ready{r};
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto driver = sys.spawn(fan_driver<tick_iface>, total, caf::actor_cast<caf::actor>(self));
  std::vector<tick_iface> targets;
  targets.reserve(r);
  for (size_t i = 0; i < r; ++i)
    targets.push_back(sys.spawn(raw_tick, quota(i, r, total), driver, &ready));
  return drive(self, ready, driver, std::move(targets), total);
}

} // namespace

outcome run_fanout(const options& opts) {
  auto r = scaled(opts, 100'000, 10);
  auto total = std::max(scaled(opts, 1'000'000, 100), r);
  return compare(
    opts, {{"fanout", "msg/s"}},
    [r, total](const options& o) { return smith_side(o, r, total); },
    [r, total](const options& o) { return baseline_side(o, r, total); });
}

} // namespace smith::bench
