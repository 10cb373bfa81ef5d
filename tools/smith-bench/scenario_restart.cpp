// restart: latency from crashing a child to its replacement running, Smith supervisor vs a raw respawner.
//
// One driver actor serves both sides. Per cycle it asks for the current child
// (get_child), stamps t_crash and sends `crash`; the child quits with an
// error. Smith: a one_for_one supervisor (intensity above the cycle count)
// restarts the agent and its event sink, the driver, gets child_restarted
// whose monotonic_ns (steady_clock) is stamped once the replacement is
// spawned, monitored and linked. Baseline: a minimal respawner that monitors
// its worker and, on down_msg, spawns a monitored replacement and sends the
// driver its own steady_clock stamp. Latency = stamp - t_crash.
#include <algorithm>
#include <cmath>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "runtime/agent/agent.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

using crash_atom = caf::atom_constant<caf::atom("crash")>;
using restarted_atom = caf::atom_constant<caf::atom("restarted")>;

/// The crashing child on both sides.
using victim_iface = caf::typed_actor<caf::reacts_to<crash_atom>>;

struct victim_state {};

using victim_agent = agent::agent_actor<victim_iface, victim_state>;

constexpr std::chrono::seconds limit{120};

/// The child's only handler on both sides: crash on request.
template <class Self>
victim_iface::behavior_type crash_on_request(Self* self) {
  return {[=](crash_atom) { self->quit(caf::make_error(caf::sec::runtime_error, "induced crash")); }};
}

/// The baseline child: a plain typed CAF actor (the int is unused, see raw_pong).
victim_iface::behavior_type raw_victim(victim_iface::pointer self, int) {
  return crash_on_request(self);
}

/// The hand-written baseline: monitor one worker, replace it on down_msg.
struct respawn_state {
  caf::actor worker;
  caf::actor sink;
  static inline const char* name = "bench.respawner";
};

/// Keeps one monitored worker alive; answers get_child with the current one.
caf::behavior respawner(caf::stateful_actor<respawn_state>* self, caf::actor sink) {
  self->state.sink = std::move(sink);
  self->state.worker = caf::actor_cast<caf::actor>(self->spawn<caf::monitored>(raw_victim, 0));
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source != self->state.worker.address())
      return;
    self->state.worker = caf::actor_cast<caf::actor>(self->spawn<caf::monitored>(raw_victim, 0));
    self->send(self->state.sink, restarted_atom::value, now_ns());
  });
  self->set_exit_handler([=](caf::exit_msg& em) { // our own shutdown takes the worker along
    self->send_exit(self->state.worker, em.reason);
    self->quit(em.reason);
  });
  return {[=](get_child_atom, const std::string&) { return self->state.worker; }};
}

/// Driver state: cycles to run, samples so far, and the crash in flight.
struct driver_state {
  caf::actor parent; // the supervisor or the respawner
  caf::actor main;
  size_t warmup = 0;
  size_t cycles = 0;
  size_t done = 0;
  int64_t t_crash = 0;
  std::vector<int64_t> samples;
  static inline const char* name = "bench.restart_driver";
};

using driver_ptr = caf::stateful_actor<driver_state>*;

/// Reports a failure to the main thread and stops the driver.
void fail(driver_ptr self, std::string what) {
  self->send(self->state.main, fail_atom::value, std::move(what));
  self->quit();
}

/// Asks for the current child, stamps t_crash and crashes it.
void crash_next(driver_ptr self) {
  self->request(self->state.parent, caf::infinite, get_child_atom::value, std::string{"victim"})
    .then(
      [=](caf::actor& child) {
        self->state.t_crash = now_ns();
        self->send(child, crash_atom::value);
      },
      [=](caf::error& err) { fail(self, "get_child failed: " + self->system().render(err)); });
}

/// Records one latency sample (after the warm-up) and starts the next cycle or reports.
void restarted(driver_ptr self, int64_t at_ns) {
  auto& st = self->state;
  if (st.done++ >= st.warmup)
    st.samples.push_back(at_ns - st.t_crash);
  if (st.done < st.warmup + st.cycles) {
    crash_next(self);
    return;
  }
  self->send(st.main, done_atom::value, std::move(st.samples));
  self->quit();
}

/// The driver of both sides: Smith signals restarts with supervisor_event,
/// the respawner with (restarted, at_ns).
caf::behavior restart_driver(driver_ptr self, size_t warmup, size_t cycles, caf::actor main) {
  self->state.warmup = warmup;
  self->state.cycles = cycles;
  self->state.main = std::move(main);
  return {
    [=](go_atom, caf::actor parent) {
      self->state.parent = std::move(parent);
      crash_next(self);
    },
    [=](const supervision::supervisor_event& ev) {
      if (ev.kind == supervision::event_kind::child_restarted)
        restarted(self, ev.monotonic_ns);
      else if (ev.kind == supervision::event_kind::gave_up)
        fail(self, "supervisor gave up: " + ev.reason);
    },
    [=](restarted_atom, int64_t at_ns) { restarted(self, at_ns); },
  };
}

/// Nearest-rank percentile of sorted samples, in microseconds.
double percentile_us(const std::vector<int64_t>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]) / 1e3;
}

/// Starts the driver against `parent`, waits for its samples; returns {p50, p99} in us.
caf::expected<figures> collect(caf::scoped_actor& self, caf::actor driver, caf::actor parent) {
  self->send(driver, go_atom::value, std::move(parent));
  caf::expected<figures> out = failure("restart: no answer within 120 s");
  self->receive(
    [&](done_atom, std::vector<int64_t>& xs) {
      std::sort(xs.begin(), xs.end());
      out = xs.empty() ? figures{0, 0} : figures{percentile_us(xs, 0.5), percentile_us(xs, 0.99)};
    },
    [&](fail_atom, std::string& what) { out = failure(std::move(what)); },
    caf::after(limit) >> [] {});
  return out;
}

/// A one_for_one supervisor with the single agent child "victim".
supervision::supervisor_spec victim_spec(size_t restarts) {
  auto type = agent::make_agent_type<victim_iface, victim_state>(
    "victim", "1.0.0", {}, [](victim_agent* a) { return crash_on_request(a); });
  supervision::supervisor_spec spec;
  spec.path = "bench";
  spec.flags.strategy_ = supervision::strategy::one_for_one;
  spec.flags.intensity = static_cast<int>(restarts + 10); // never give up during the run
  spec.flags.period = std::chrono::hours{1};
  spec.children.push_back(agent::agent_child(type, "bench", "victim", {}));
  return spec;
}

/// Smith: supervisor with the driver as event sink; returns {p50, p99} in us.
caf::expected<figures> smith_side(const options& opts, size_t warmup, size_t cycles) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto driver = sys.spawn(restart_driver, warmup, cycles, caf::actor_cast<caf::actor>(self));
  supervision::supervisor_options sopts;
  sopts.event_sink = driver;
  auto sup = supervision::spawn_supervisor(sys, victim_spec(warmup + cycles), sopts);
  if (!sup) {
    caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
    return std::move(sup.error());
  }
  auto res = collect(self, driver, caf::actor_cast<caf::actor>(*sup));
  caf::anon_send_exit(*sup, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  return res;
}

/// Baseline: the respawner; returns {p50, p99} in us.
caf::expected<figures> baseline_side(const options& opts, size_t warmup, size_t cycles) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto driver = sys.spawn(restart_driver, warmup, cycles, caf::actor_cast<caf::actor>(self));
  auto parent = sys.spawn(respawner, driver);
  auto res = collect(self, driver, parent);
  caf::anon_send_exit(parent, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  return res;
}

} // namespace

outcome run_restart(const options& opts) {
  auto cycles = scaled(opts, 2000, 100);
  auto warmup = std::max<size_t>(10, cycles / 20);
  return compare(
    opts, {{"restart_p50", "us"}, {"restart_p99", "us"}},
    [=](const options& o) { return smith_side(o, warmup, cycles); },
    [=](const options& o) { return baseline_side(o, warmup, cycles); });
}

} // namespace smith::bench
