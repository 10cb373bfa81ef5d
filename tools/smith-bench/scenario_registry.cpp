// register and discover: the capability registry against a plain std::unordered_map.
#include <algorithm>

#include <caf/all.hpp>

#include "actors/registry/registry_actor.hpp"
#include "runtime/registry/capability_index.hpp"
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

/// Latencies collected by a probe; written by the probe, read by main after
/// the probe's done message.
struct probe_samples {
  std::vector<int64_t> discover_ns;
  std::vector<int64_t> healthy_ns;
  /// Round trips of a request that does no work (the messaging floor).
  std::vector<int64_t> trivial_ns;
};
using samples_ptr = std::shared_ptr<probe_samples>;

/// The figures of one side: through the actor, the messaging floor, the index alone.
figures to_figures(const probe_samples& actor, const probe_samples& index) {
  return {quantile_us(actor.discover_ns, 0.5), quantile_us(actor.discover_ns, 0.99),
          quantile_us(actor.healthy_ns, 0.5),  quantile_us(actor.healthy_ns, 0.99),
          quantile_us(actor.trivial_ns, 0.5),  quantile_us(actor.trivial_ns, 0.99),
          quantile_us(index.discover_ns, 0.5), quantile_us(index.discover_ns, 0.99),
          quantile_us(index.healthy_ns, 0.5),  quantile_us(index.healthy_ns, 0.99)};
}

std::string query_capability(size_t i) {
  return capability_name(i * 7919 % capabilities);
}

/// Sequential discover, find_healthy and (trivial) digest round trips from an
/// event-based driver; digest of an unknown node is a hash lookup, so its
/// round trip is the cost of reaching this actor and back.
void probe_next(caf::event_based_actor* self, registry::registry_actor reg, size_t i, size_t n,
                caf::actor main, samples_ptr out) {
  if (i == n) {
    self->send(main, done_atom::value, int64_t{0});
    return;
  }
  auto cap = query_capability(i);
  registry::discover_query q{cap, range_text, {}, discover_limit, false};
  auto fail = [=](const char* what) {
    return [=](caf::error&) { self->send(main, fail_atom::value, std::string{what}); };
  };
  auto t0 = now_ns();
  self->request(reg, caf::infinite, registry::discover_atom::value, q)
    .then([=](registry::discover_result&) {
      auto t1 = now_ns();
      out->discover_ns.push_back(t1 - t0);
      self->request(reg, caf::infinite, registry::find_healthy_atom::value, cap,
                    std::string{range_text}, false)
        .then([=](agent_record&) {
          auto t2 = now_ns();
          out->healthy_ns.push_back(t2 - t1);
          self->request(reg, caf::infinite, registry::digest_atom::value, std::string{"-"})
            .then([=](registry::registry_digest&) {
              out->trivial_ns.push_back(now_ns() - t2);
              probe_next(self, reg, i + 1, n, main, out);
            },
                  fail("digest"));
        },
              fail("find_healthy"));
    },
          fail("discover"));
}

/// The same queries on a capability_index without an actor, copying what the
/// registry actor copies into its answers.
caf::expected<probe_samples> index_only(const options& opts) {
  registry::capability_index idx;
  for (auto& r : make_records(agent_count(opts), capabilities))
    if (auto err = idx.insert(std::move(r)))
      return err;
  auto range = *agent::version_range::parse(range_text);
  probe_samples out;
  for (size_t i = 0, n = query_count(opts); i < n; ++i) {
    registry::discover_query q{query_capability(i), range_text, {}, discover_limit, false};
    auto t0 = now_ns();
    std::vector<agent_record> found;
    found.reserve(discover_limit);
    idx.discover(q, &range, [&](const agent_record& r) {
      found.push_back(r);
      return found.size() < discover_limit;
    });
    auto t1 = now_ns();
    auto* best = idx.find_healthy(q.capability, &range, false);
    if (found.empty() || best == nullptr)
      return failure("index found nothing for " + q.capability);
    agent_record copy = *best;
    out.healthy_ns.push_back(now_ns() - t1);
    out.discover_ns.push_back(t1 - t0);
  }
  return out;
}

caf::expected<figures> smith_discover(const options& opts) {
  auto result = std::make_shared<probe_samples>();
  {
    caf::actor_system_config cfg;
    configure(cfg, opts);
    caf::actor_system sys{cfg};
    auto recs = make_records(agent_count(opts), capabilities);
    caf::scoped_actor self{sys};
    auto reg = start_registry(sys);
    if (auto ns = register_all(self, reg, recs); !ns)
      return std::move(ns.error());
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
    self->wait_for(reg); // frees the registry's records before the index-only run
    if (!done)
      return std::move(done.error());
  }
  auto index = index_only(opts);
  if (!index)
    return std::move(index.error());
  return to_figures(*result, *index);
}

/// Sequential round trips to a raw CAF actor that answers at once.
void echo_next(caf::event_based_actor* self, caf::actor echo, size_t i, size_t n, caf::actor main,
               samples_ptr out) {
  if (i == n) {
    self->send(main, done_atom::value, int64_t{0});
    return;
  }
  auto t0 = now_ns();
  self->request(echo, caf::infinite, static_cast<int64_t>(i))
    .then([=](int64_t) {
      out->trivial_ns.push_back(now_ns() - t0);
      echo_next(self, echo, i + 1, n, main, out);
    },
          [=](caf::error&) { self->send(main, fail_atom::value, std::string{"echo"}); });
}

/// The baseline's messaging floor: a raw CAF request/reply with no work.
caf::expected<probe_samples> raw_round_trips(const options& opts) {
  caf::actor_system_config cfg;
  configure(cfg, opts);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto echo = sys.spawn([](caf::event_based_actor*, int) -> caf::behavior {
    return {[](int64_t x) { return x; }};
  }, 0);
  auto result = std::make_shared<probe_samples>();
  auto n = query_count(opts);
  auto probe = sys.spawn(
    [=](caf::event_based_actor* p, caf::actor main) -> caf::behavior {
      return {[=](go_atom) { echo_next(p, echo, 0, n, main, result); }};
    },
    caf::actor{self});
  self->send(probe, go_atom::value);
  auto done = await_done(self, 120s);
  self->send_exit(probe, caf::exit_reason::user_shutdown);
  self->send_exit(echo, caf::exit_reason::user_shutdown);
  if (!done)
    return std::move(done.error());
  return std::move(*result);
}

caf::expected<figures> plain_discover(const options& opts) {
  auto rtt = raw_round_trips(opts);
  if (!rtt)
    return std::move(rtt.error());
  plain_map m;
  for (auto& r : make_records(agent_count(opts), capabilities))
    m.insert(std::move(r));
  m.sort();
  auto range = *agent::version_range::parse(range_text);
  probe_samples out;
  for (size_t i = 0, n = query_count(opts); i < n; ++i) {
    auto cap = query_capability(i);
    auto t0 = now_ns();
    auto found = m.discover(cap, range, discover_limit);
    auto t1 = now_ns();
    auto best = m.least_loaded(cap, range);
    out.healthy_ns.push_back(now_ns() - t1);
    out.discover_ns.push_back(t1 - t0);
    if (found.empty() || best.id.instance.empty())
      return failure("baseline found nothing for " + cap);
  }
  out.trivial_ns = std::move(rtt->trivial_ns);
  return to_figures(out, out); // the map is both the "actor" and the "index" line's baseline
}

} // namespace

outcome run_register(const options& opts) {
  return compare(opts, {{"register", "registrations/s"}, {"register_memory", "bytes/agent"}},
                 smith_register, plain_register);
}

outcome run_discover(const options& opts) {
  return compare(opts,
                 {{"discover_p50", "us"},
                  {"discover_p99", "us"},
                  {"find_healthy_p50", "us"},
                  {"find_healthy_p99", "us"},
                  {"registry_trivial_p50", "us"},
                  {"registry_trivial_p99", "us"},
                  {"discover_index_p50", "us"},
                  {"discover_index_p99", "us"},
                  {"find_healthy_index_p50", "us"},
                  {"find_healthy_index_p99", "us"}},
                 smith_discover, plain_discover);
}

} // namespace smith::bench
