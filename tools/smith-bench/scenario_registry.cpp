// register and discover: the capability registry against a plain std::unordered_map.
#include <algorithm>

#include <caf/all.hpp>

#include "actors/registry/registry_actor.hpp"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/registry_workload.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
using registry::agent_record;

constexpr size_t capabilities = 10'000;
constexpr uint32_t discover_limit = 10;
const char* const range_text = "^1";

size_t agent_count(const options& opts) {
  return scaled(opts, 1'000'000, 20'000);
}

registry::registry_actor start_registry(caf::actor_system& sys) {
  registry::registry_options ro;
  ro.node = "bench";
  ro.heartbeat_interval = 0ms; // no health scans: measure lookups only
  return actors::spawn_registry(sys, ro);
}

/// Registers every record through the actor: all sends first, then all replies.
caf::expected<int64_t> register_all(caf::scoped_actor& self, const registry::registry_actor& reg,
                                    std::vector<agent_record>& recs) {
  auto t0 = now_ns();
  for (auto& r : recs)
    self->send(reg, registry::register_atom::value, std::move(r));
  size_t failed = 0;
  for (size_t i = 0; i < recs.size(); ++i)
    self->receive([](ok_atom) {}, [&](caf::error&) { ++failed; });
  if (failed > 0)
    return failure(std::to_string(failed) + " registrations failed");
  return now_ns() - t0;
}

caf::expected<figures> smith_register(const options& opts) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  auto recs = make_records(agent_count(opts), capabilities);
  caf::scoped_actor self{sys};
  release_free_memory();
  auto before = rss_bytes();
  auto reg = start_registry(sys);
  auto ns = register_all(self, reg, recs);
  auto bytes = static_cast<double>(rss_bytes() - before) / static_cast<double>(recs.size());
  self->send_exit(reg, caf::exit_reason::user_shutdown);
  if (!ns)
    return std::move(ns.error());
  return figures{per_second(recs.size(), *ns), bytes};
}

caf::expected<figures> plain_register(const options& opts) {
  auto recs = make_records(agent_count(opts), capabilities);
  release_free_memory();
  auto before = rss_bytes();
  auto t0 = now_ns();
  plain_map m;
  for (auto& r : recs)
    m.insert(std::move(r));
  m.sort();
  auto ns = now_ns() - t0;
  auto bytes = static_cast<double>(rss_bytes() - before) / static_cast<double>(recs.size());
  return figures{per_second(recs.size(), ns), bytes};
}

double quantile_us(std::vector<int64_t> xs, double q) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto idx = static_cast<size_t>(q * static_cast<double>(xs.size() - 1));
  return static_cast<double>(xs[idx]) / 1000.0;
}

size_t query_count(const options& opts) {
  return scaled(opts, 20'000, 2'000);
}

/// Latencies collected by the probe; written by the probe, read by main
/// after the probe's done message.
struct probe_samples {
  std::vector<int64_t> discover_ns;
  std::vector<int64_t> healthy_ns;
};
using samples_ptr = std::shared_ptr<probe_samples>;

/// Sequential discover and find_healthy round trips from an event-based driver.
void probe_next(caf::event_based_actor* self, registry::registry_actor reg, size_t i, size_t n,
                caf::actor main, samples_ptr out) {
  if (i == n) {
    self->send(main, done_atom::value, int64_t{0});
    return;
  }
  auto cap = capability_name(i * 7919 % capabilities);
  registry::discover_query q{cap, range_text, {}, discover_limit, false};
  auto t0 = now_ns();
  self->request(reg, caf::infinite, registry::discover_atom::value, q)
    .then([=](registry::discover_result&) {
      auto t1 = now_ns();
      out->discover_ns.push_back(t1 - t0);
      self->request(reg, caf::infinite, registry::find_healthy_atom::value, cap,
                    std::string{range_text}, false)
        .then([=](agent_record&) {
          out->healthy_ns.push_back(now_ns() - t1);
          probe_next(self, reg, i + 1, n, main, out);
        },
              [=](caf::error&) { self->send(main, fail_atom::value, std::string{"find_healthy"}); });
    },
          [=](caf::error&) { self->send(main, fail_atom::value, std::string{"discover"}); });
}

caf::expected<figures> smith_discover(const options& opts) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  auto recs = make_records(agent_count(opts), capabilities);
  caf::scoped_actor self{sys};
  auto reg = start_registry(sys);
  if (auto ns = register_all(self, reg, recs); !ns)
    return std::move(ns.error());
  auto result = std::make_shared<probe_samples>();
  auto n = query_count(opts);
  auto probe = sys.spawn(
    [=](caf::event_based_actor* p, caf::actor main) -> caf::behavior {
      return {[=](go_atom) { probe_next(p, reg, 0, n, main, result); }};
    },
    caf::actor{self});
  self->send(probe, go_atom::value);
  auto done = await_done(self, 120s);
  self->send_exit(probe, caf::exit_reason::user_shutdown);
  self->wait_for(probe);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
  if (!done)
    return std::move(done.error());
  return figures{quantile_us(result->discover_ns, 0.5), quantile_us(result->discover_ns, 0.99),
                 quantile_us(result->healthy_ns, 0.5), quantile_us(result->healthy_ns, 0.99)};
}

caf::expected<figures> plain_discover(const options& opts) {
  plain_map m;
  for (auto& r : make_records(agent_count(opts), capabilities))
    m.insert(std::move(r));
  m.sort();
  auto range = *agent::version_range::parse(range_text);
  std::vector<int64_t> disc, heal;
  for (size_t i = 0, n = query_count(opts); i < n; ++i) {
    auto cap = capability_name(i * 7919 % capabilities);
    auto t0 = now_ns();
    auto found = m.discover(cap, range, discover_limit);
    auto t1 = now_ns();
    auto best = m.least_loaded(cap, range);
    heal.push_back(now_ns() - t1);
    disc.push_back(t1 - t0);
    if (found.empty() || best.id.instance.empty())
      return failure("baseline found nothing for " + cap);
  }
  return figures{quantile_us(disc, 0.5), quantile_us(disc, 0.99), quantile_us(heal, 0.5),
                 quantile_us(heal, 0.99)};
}

} // namespace

outcome run_register(const options& opts) {
  return compare(opts, {{"register", "registrations/s"}, {"register_memory", "bytes/agent"}},
                 smith_register, plain_register);
}

outcome run_discover(const options& opts) {
  return compare(opts,
                 {{"discover_p50", "us"}, {"discover_p99", "us"}, {"find_healthy_p50", "us"},
                  {"find_healthy_p99", "us"}},
                 smith_discover, plain_discover);
}

} // namespace smith::bench
