// Shared helpers of smith-bench: configuration, clocks, memory probes, driver replies.
#include "tools/smith-bench/bench.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

#include <malloc.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "runtime/core/system_setup.hpp"

namespace smith::bench {

const std::vector<scenario>& all_scenarios() {
  static const std::vector<scenario> list{
    {"pingpong", "1M request/response round trips to one agent (round trips/s)", run_pingpong},
    {"spawn", "100k supervised agents started, agents/s and bytes/agent", run_spawn},
    {"fanout", "1M messages round-robin to 100k agents (msg/s)", run_fanout},
    {"restart", "p50/p99 restart latency of a crashed one_for_one child (us)", run_restart},
    {"register", "1M registrations into the registry (registrations/s, bytes/agent)",
     run_register},
    {"discover", "p50/p99 of discover and find_healthy over 1M agents, 10k capabilities (us)",
     run_discover},
    {"bridge_pubsub", "one-way agent messages across two nodes over NATS vs raw nats.c (msg/s)",
     run_bridge_pubsub},
    {"bridge_rpc", "p50/p99 of remote calls across two nodes vs raw nats.c request/reply (us)",
     run_bridge_rpc},
    {"persist", "durable events/s, group (1k agents) vs raw WriteBatch+sync; sync vs fdatasync",
     run_persist},
    {"recover", "ms to recover 10k agents x 100 events, without/with snapshots, vs raw scan",
     run_recover},
    {"plugin_load", "ms from load_domain to agents discoverable on another node, vs dlopen+spawn",
     run_plugin_load},
    {"kv", "kv_put/kv_get through the kv domain, local and across nodes, vs raw RocksDB (ops/s)",
     run_kv},
    {"propagation", "p50/p99 from a registration on one node to the other node's registry (us)",
     run_propagation},
  };
  return list;
}

namespace {

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  auto n = xs.size();
  return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2.0;
}

std::string render(const figures& xs) {
  std::string out;
  for (auto x : xs) {
    if (!out.empty())
      out += ' ';
    out += fmt::format("{:.2f}", x);
  }
  return out;
}

/// "spawn/spawn_memory": the names of the figures a repetition produces.
std::string label(const std::vector<figure_spec>& specs) {
  std::string out;
  for (auto& x : specs) {
    if (!out.empty())
      out += '/';
    out += x.scenario;
  }
  return out;
}

/// One repetition of one side, checked for the expected number of figures.
caf::expected<figures> run_side(const side_fn& fn, const options& opts, size_t want,
                                const char* which) {
  if (opts.side != "both" && opts.side != which)
    return figures(want, 0.0);
  auto res = fn(opts);
  release_free_memory();
  if (res && res->size() != want)
    return failure("a side produced " + std::to_string(res->size()) + " figures, expected "
                   + std::to_string(want));
  return res;
}

} // namespace

outcome compare(const options& opts, const std::vector<figure_spec>& specs, const side_fn& smith,
                const side_fn& baseline) {
  std::vector<figures> smith_runs;
  std::vector<figures> base_runs;
  for (size_t rep = 0; rep < std::max<size_t>(1, opts.reps); ++rep) {
    // Alternate which side goes first: a side inherits the previous one's leftovers (dirty
    // pages being written back, a deleted temp dir being freed, a warm or cold cache).
    bool smith_first = rep % 2 == 1;
    caf::expected<figures> s{figures{}};
    if (smith_first && !(s = run_side(smith, opts, specs.size(), "smith")))
      return std::move(s.error());
    auto b = run_side(baseline, opts, specs.size(), "baseline");
    if (!b)
      return std::move(b.error());
    if (!smith_first && !(s = run_side(smith, opts, specs.size(), "smith")))
      return std::move(s.error());
    note(fmt::format("{} rep {}: smith [{}] baseline [{}]", label(specs), rep + 1, render(*s),
                     render(*b)));
    smith_runs.push_back(std::move(*s));
    base_runs.push_back(std::move(*b));
  }
  std::vector<result> out;
  for (size_t i = 0; i < specs.size(); ++i) {
    std::vector<double> sv;
    std::vector<double> bv;
    for (size_t r = 0; r < smith_runs.size(); ++r) {
      sv.push_back(smith_runs[r][i]);
      bv.push_back(base_runs[r][i]);
    }
    out.push_back({specs[i].scenario, median(sv), median(bv), specs[i].unit});
  }
  return out;
}

size_t scaled(const options& opts, size_t n, size_t floor) {
  auto x = static_cast<size_t>(std::llround(static_cast<double>(n) * opts.scale));
  return std::max(x, floor);
}

size_t thread_count(const options& opts) {
  if (opts.threads > 0)
    return opts.threads;
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

void configure(caf::actor_system_config& cfg, const options& opts) {
  using smith::config::scheduler_policy;
  smith::configure_actor_system(cfg);
  auto policy = opts.policy == "stealing"  ? scheduler_policy::stealing
                : opts.policy == "sharing" ? scheduler_policy::sharing
                                           : scheduler_policy::affinity;
  smith::configure_scheduler(cfg, policy, thread_count(opts));
}

int64_t now_ns() {
  auto t = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
}

double per_second(size_t count, int64_t ns) {
  return ns > 0 ? static_cast<double>(count) * 1e9 / static_cast<double>(ns) : 0.0;
}

size_t rss_bytes() {
  std::ifstream in{"/proc/self/statm"};
  size_t total_pages = 0;
  size_t resident_pages = 0;
  in >> total_pages >> resident_pages;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void release_free_memory() {
  malloc_trim(0);
}

caf::error failure(std::string what) {
  return caf::make_error(caf::sec::runtime_error, std::move(what));
}

std::string describe_failure(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

caf::expected<int64_t> await_done(caf::scoped_actor& self, std::chrono::seconds limit) {
  caf::expected<int64_t> out = failure("no answer");
  self->receive([&](done_atom, int64_t payload) { out = payload; },
                [&](fail_atom, std::string& what) { out = failure(std::move(what)); },
                caf::after(limit) >> [&] {
                  out = failure("no answer within " + std::to_string(limit.count()) + " s");
                });
  return out;
}

void note(const std::string& text) {
  std::fprintf(stderr, "# %s\n", text.c_str());
}

} // namespace smith::bench
