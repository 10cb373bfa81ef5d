// propagation: time from a registration on node a until node b's registry shows it (registry
// replication over NATS between two in-process nodes), against raw nats.c moving the same
// RegistryChange bytes from one connection to a subscriber on another.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include <caf/all.hpp>
#include <fmt/format.h>
#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/node/node.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/registry/record_codec.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/cluster_bench_node.hpp"
#include "tools/smith-bench/bridge_workload.hpp"
#include "tools/smith-bench/nats_launcher.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;

/// Domain of the probe records: no catalog knows it, so no bridge route is made for them.
constexpr const char* propagation_domain = "probe";
constexpr auto propagation_limit = 10s;

/// The moment the awaited record (by name) was seen; written by a watcher or a NATS callback.
struct propagation_mark {
  std::mutex mtx;
  std::condition_variable cv;
  std::string want;
  int64_t seen_ns = 0;

  void arm(std::string name) {
    std::lock_guard guard{mtx};
    want = std::move(name);
    seen_ns = 0;
  }

  void seen(const std::string& name) {
    auto t = now_ns();
    std::lock_guard guard{mtx};
    if (name != want || seen_ns != 0)
      return;
    seen_ns = t;
    cv.notify_all();
  }

  /// The steady ns the record was seen at, or 0 after propagation_limit.
  int64_t wait() {
    std::unique_lock guard{mtx};
    cv.wait_for(guard, propagation_limit, [this] { return seen_ns != 0; });
    return seen_ns;
  }
};

/// One full node (registry, bridge, cluster replicator and membership) inside the bench.
struct propagation_node : cluster_bench_node {
  caf::error start(const options& opts, const std::string& name, const std::string& url) {
    return cluster_bench_node::start(opts, name, url, "propagation_bench");
  }
};

/// A probe record of node `node` named `name` (no handle: nothing to monitor).
registry::agent_record probe_record(const std::string& node, const std::string& name) {
  registry::agent_record r;
  r.id = agent::agent_id{propagation_domain, name, agent::new_uuid(), "1.0.0"};
  r.node = node;
  r.agent_type = "probe";
  return r;
}

/// Watches b's registry: every registered record of a's probe domain marks `mark`.
caf::behavior propagation_watcher(caf::event_based_actor*, propagation_mark* mark) {
  return {[mark](const registry::watch_event& ev) {
    if (ev.kind == registry::watch_kind::registered)
      mark->seen(ev.record.id.name);
  }};
}

/// Names of this run's probe records: unique across repetitions, which share the server and
/// its KV bucket (a record of an earlier repetition must not count as seen).
std::string probe_name(size_t i) {
  static std::atomic<uint64_t> round{0};
  static thread_local uint64_t mine = 0;
  if (i == 0)
    mine = ++round;
  return "r" + std::to_string(mine) + "p" + std::to_string(i);
}

caf::expected<std::vector<int64_t>> smith_samples(propagation_node& a, propagation_mark& mark,
                                                  size_t n, size_t first) {
  caf::scoped_actor self{*a.sys};
  auto reg = a.registry();
  std::vector<int64_t> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto name = probe_name(first + i);
    mark.arm(name);
    auto t0 = now_ns();
    caf::error err;
    self->request(reg, 5s, registry::register_atom::value, probe_record("a", name))
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { err = std::move(e); });
    if (err)
      return failure("register " + name + ": " + a.sys->render(err));
    auto t1 = mark.wait();
    if (t1 == 0)
      return failure("node b did not see " + name + " within 10 s");
    out.push_back(t1 - t0);
  }
  return out;
}

caf::expected<figures> smith_propagation(const options& opts, const std::string& url, size_t n) {
  propagation_node a, b;
  if (auto err = b.start(opts, "b", url))
    return failure("node b: " + b.sys->render(err));
  if (auto err = a.start(opts, "a", url))
    return failure("node a: " + a.sys->render(err));
  propagation_mark mark;
  auto watcher = b.sys->spawn(propagation_watcher, &mark);
  registry::record_filter f;
  f.domain = propagation_domain;
  f.node = "a";
  caf::scoped_actor self{*b.sys};
  caf::error err;
  self->request(b.registry(), 5s, registry::watch_atom::value, f, watcher)
    .receive([](registry::watch_ack&) {}, [&](caf::error& e) { err = std::move(e); });
  auto xs = err ? caf::expected<std::vector<int64_t>>{std::move(err)}
                : smith_samples(a, mark, std::max<size_t>(1, n / 10), 0); // warm-up, first sync
  if (xs)
    xs = smith_samples(a, mark, n, n);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  if (!xs)
    return std::move(xs.error());
  return figures{percentile_us(*xs, 0.5), percentile_us(*xs, 0.99)};
}

// -- baseline -------------------------------------------------------------------------

struct raw_propagation_sub {
  propagation_mark* mark;

  static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* self = static_cast<raw_propagation_sub*>(closure);
    bridge::v1::RegistryChange ch; // parsed, as a receiving node must
    if (ch.ParseFromArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)))
      self->mark->seen(ch.record().id().name());
    natsMsg_Destroy(msg);
  }
};

/// The RegistryChange message node a's replicator publishes for `name` (encode_change).
caf::expected<envelope> change_envelope(const std::string& name, uint64_t seq) {
  bridge::v1::RegistryChange ch;
  ch.set_node("a");
  ch.set_node_instance(agent::new_uuid());
  ch.set_sequence(seq);
  ch.set_kind(bridge::v1::RegistryChange::KIND_REGISTERED);
  *ch.mutable_record() =
    registry::to_proto(probe_record("a", name), registry::wall_clock_offset_now());
  auto msg = cluster::encode_change(ch);
  if (!msg)
    return std::move(msg.error());
  return envelope{std::move(msg->subject), std::move(msg->headers), std::move(msg->body)};
}

caf::expected<std::vector<int64_t>> raw_samples(raw_connection& pub, propagation_mark& mark,
                                                size_t n, size_t first) {
  std::vector<int64_t> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto name = probe_name(first + i);
    mark.arm(name);
    auto t0 = now_ns();
    // Encoded inside the clock, as node a encodes each change as it happens.
    auto env = change_envelope(name, first + i + 1);
    if (!env)
      return std::move(env.error());
    if (auto err = pub.publish(*env, nullptr))
      return err;
    auto t1 = mark.wait();
    if (t1 == 0)
      return failure("baseline subscriber did not see " + name);
    out.push_back(t1 - t0);
  }
  return out;
}

caf::expected<figures> raw_propagation(const std::string& url, size_t n) {
  // The publisher sends at once (SendAsap): the fastest raw nats.c delivery of one record.
  auto pub = raw_connection::connect(url, true);
  auto sub_conn = raw_connection::connect(url, false);
  if (!pub || !sub_conn)
    return pub ? std::move(sub_conn.error()) : std::move(pub.error());
  propagation_mark mark;
  raw_propagation_sub rs{&mark};
  natsSubscription* sub = nullptr;
  auto s = natsConnection_Subscribe(&sub, (*sub_conn)->get(), "smith.registry.events.a",
                                    raw_propagation_sub::on_msg, &rs);
  caf::expected<std::vector<int64_t>> xs = failure("baseline subscribe failed");
  if (s == NATS_OK && !(*sub_conn)->flush()) {
    xs = raw_samples(**pub, mark, std::max<size_t>(1, n / 10), 0);
    if (xs)
      xs = raw_samples(**pub, mark, n, n);
  }
  if (sub != nullptr) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
  }
  if (!xs)
    return std::move(xs.error());
  return figures{percentile_us(*xs, 0.5), percentile_us(*xs, 0.99)};
}

} // namespace

outcome run_propagation(const options& opts) {
  quiet_logs guard;
  auto server = nats_launcher::start();
  if (!server)
    return std::move(server.error());
  note("nats-server at " + (*server)->url());
  auto url = (*server)->url();
  auto n = scaled(opts, 500, 20);
  return compare(opts, {{"propagation_p50", "us"}, {"propagation_p99", "us"}},
                 [&](const options& o) { return smith_propagation(o, url, n); },
                 [&](const options&) { return raw_propagation(url, n); });
}

} // namespace smith::bench
