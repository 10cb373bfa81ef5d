// spawn: 100k idle actors brought up, as supervised Smith agents vs raw sys.spawn.
//
// Smith: one one_for_one supervisor whose spec lists every agent up front, as one
// group like a configured pool (start_child per agent would search the child list linearly
// each time). Baseline: a loop of sys.spawn on the main thread, handles kept in a
// vector. Both clocks stop when the last actor has run its behavior function
// (countdown), so both sides count fully initialised actors. Memory is the RSS
// growth over the same interval divided by the count.
#include <caf/all.hpp>
#include <fmt/format.h>

#include "runtime/agent/agent.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

using idle_atom = caf::atom_constant<caf::atom("idle")>;

/// What every spawned actor understands (nothing is sent to it).
using idle_iface = caf::typed_actor<caf::reacts_to<idle_atom>>;

struct idle_state {};

using idle_agent = agent::agent_actor<idle_iface, idle_state>;

constexpr std::chrono::seconds start_limit{120};

/// The baseline actor: counts itself as started, then idles.
idle_iface::behavior_type raw_idle(idle_iface::pointer, countdown* ready) {
  ready->count_down();
  return {[](idle_atom) {}};
}

/// Bytes per actor of an RSS delta; negative deltas (heap reuse) count as 0.
double per_actor(size_t before, size_t after, size_t n) {
  return after > before ? static_cast<double>(after - before) / static_cast<double>(n) : 0.0;
}

/// Diagnostic beside the figure (which counts freed but still resident memory, e.g. the
/// spec list): the RSS growth per actor since `before` after malloc_trim.
double trimmed_per_actor(size_t before, size_t n) {
  release_free_memory();
  return per_actor(before, rss_bytes(), n);
}

/// One one_for_one supervisor spec listing `n` agent children a0..a<n-1>, as the tree builder
/// lists a pool's agents (one group: one shared type, option set and spec).
supervision::supervisor_spec make_spec(const agent::agent_type& type, size_t n) {
  supervision::supervisor_spec spec;
  spec.path = "bench";
  spec.flags.strategy_ = supervision::strategy::one_for_one;
  std::vector<std::string> names;
  names.reserve(n);
  for (size_t i = 0; i < n; ++i)
    names.push_back(fmt::format("a{}", i));
  auto shared_type = std::make_shared<const agent::agent_type>(type);
  auto opts = std::make_shared<const agent::instance_options>();
  spec.groups.push_back(agent::agent_group(shared_type, "bench", std::move(names), opts));
  return spec;
}

/// Smith: builds the specs and starts the supervisor; returns {agents/s, bytes/agent}.
caf::expected<figures> smith_side(const options& opts, size_t n) {
  countdown ready{n}; // outlives the system, whose destructor waits for the agents
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  auto type = agent::make_agent_type<idle_iface, idle_state>(
    "idle", "1.0.0", {}, [&ready](idle_agent*) -> idle_iface::behavior_type {
      ready.count_down();
      return {[](idle_atom) {}};
    });
  auto rss0 = rss_bytes();
  auto t0 = now_ns();
  auto spec = make_spec(type, n);
  auto t_spec = now_ns();
  auto sup = supervision::spawn_supervisor(sys, std::move(spec));
  if (!sup)
    return std::move(sup.error());
  bool started = ready.wait_for(start_limit);
  auto t1 = now_ns();
  auto rss1 = rss_bytes();
  auto trimmed = trimmed_per_actor(rss0, n);
  // kill, not shutdown: the supervisor stops children one at a time with a
  // linear lookup per step, which takes minutes at 100k (see BENCHMARKS.md).
  caf::anon_send_exit(*sup, caf::exit_reason::kill);
  if (!started)
    return failure(fmt::format("spawn: only {} of {} agents started", n - ready.left(), n));
  note(fmt::format("spawn smith: specs {:.1f} ms, supervisor start {:.1f} ms, {:.0f} bytes/agent "
                   "once freed memory is trimmed",
                   static_cast<double>(t_spec - t0) / 1e6, static_cast<double>(t1 - t_spec) / 1e6,
                   trimmed));
  return figures{per_second(n, t1 - t0), per_actor(rss0, rss1, n)};
}

/// Baseline: sys.spawn in a loop; returns {actors/s, bytes/actor}.
caf::expected<figures> baseline_side(const options& opts, size_t n) {
  countdown ready{n};
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  auto rss0 = rss_bytes();
  auto t0 = now_ns();
  std::vector<idle_iface> actors;
  actors.reserve(n);
  for (size_t i = 0; i < n; ++i)
    actors.push_back(sys.spawn(raw_idle, &ready));
  bool started = ready.wait_for(start_limit);
  auto t1 = now_ns();
  auto rss1 = rss_bytes();
  note(fmt::format("spawn raw: {:.0f} bytes/actor once freed memory is trimmed",
                   trimmed_per_actor(rss0, n)));
  for (auto& a : actors)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  if (!started)
    return failure(fmt::format("spawn: only {} of {} actors started", n - ready.left(), n));
  return figures{per_second(n, t1 - t0), per_actor(rss0, rss1, n)};
}

} // namespace

outcome run_spawn(const options& opts) {
  auto n = scaled(opts, 100'000, 10);
  return compare(
    opts, {{"spawn", "agents/s"}, {"spawn_memory", "bytes/agent"}},
    [n](const options& o) { return smith_side(o, n); },
    [n](const options& o) { return baseline_side(o, n); });
}

} // namespace smith::bench
