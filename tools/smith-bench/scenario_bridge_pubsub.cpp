// bridge_pubsub: one-way agent messages across two in-process nodes over a real
// nats-server, against raw nats.c moving the same bytes and headers.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <nats/nats.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/outbound.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/bridge_pair.hpp"
#include "tools/smith-bench/bridge_workload.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
namespace v1 = examples::v1;

/// Mailbox of the receiving counter: one-way messages beyond it would be refused (OVERLOADED).
constexpr size_t receiver_mailbox = size_t{1} << 24;

// -- bridge_pubsub: Smith side ------------------------------------------------------

/// Casts per handler run: the driver yields between chunks so other actors on its
/// scheduler keep running, as an agent sending a burst would.
constexpr size_t cast_chunk = 1024;

/// Casts `left` adds with bridge::cast (published from the driver's own thread, no hop
/// through the bridge); a cast refused at once fails the round.
caf::behavior cast_driver_impl(caf::event_based_actor* self, bridge::call_request proto,
                               caf::actor main) {
  return {[=](go_atom, size_t left) {
    auto n = std::min(left, cast_chunk);
    for (size_t i = 0; i < n; ++i)
      if (auto err = bridge::cast(self->system(), proto.target, proto.action, proto.payload,
                                  proto.deadline)) {
        self->send(main, fail_atom::value, "cast: " + self->system().render(err));
        return;
      }
    if (left > n)
      self->send(self, go_atom::value, left - n);
    else
      self->send(main, done_atom::value, int64_t{0});
  }};
}

caf::expected<int64_t> counter_value(caf::scoped_actor& self, const caf::actor& counter) {
  caf::expected<int64_t> out{caf::error{}};
  // No timeout: a timed request leaves its timeout message behind in the scoped actor's
  // mailbox, and thousands of polls would make every receive scan them.
  self->request(counter, caf::infinite, examples::get_atom::value)
    .receive([&](int64_t v) { out = v; }, [&](caf::error& err) { out = std::move(err); });
  return out;
}

/// Polls the counter until it reaches `want`; returns the steady time it was seen there.
caf::expected<int64_t> await_count(bench_node& b, const caf::actor& counter, int64_t want) {
  caf::scoped_actor self{b.system()};
  auto until = now_ns() + std::chrono::nanoseconds{bridge_scenario_limit}.count();
  for (;;) {
    auto v = counter_value(self, counter);
    if (!v)
      return std::move(v.error());
    if (*v >= want)
      return now_ns();
    if (now_ns() > until) {
      auto st = b.stats();
      std::string rejected;
      if (st)
        for (auto& [code, n] : st->rejected) // appended piecewise: GCC 12 -Wrestrict
          rejected.append(1, ' ').append(std::to_string(code)).append(1, ':').append(
            std::to_string(n));
      return failure("counter reached " + std::to_string(*v) + " of " + std::to_string(want)
                     + "; node b rejected" + (rejected.empty() ? " nothing" : rejected));
    }
    std::this_thread::sleep_for(200us); // polling the observed count, not synchronisation
  }
}

/// Casts `n` adds through node a's bridge; returns the ns until b's counter saw them all.
caf::expected<int64_t> cast_round(node_pair& p, const caf::actor& driver, const caf::actor& counter,
                                  caf::scoped_actor& main, int64_t base, size_t n) {
  auto t0 = now_ns();
  main->send(driver, go_atom::value, n);
  auto seen = await_count(*p.b, counter, base + static_cast<int64_t>(n));
  if (!seen)
    return std::move(seen.error());
  if (auto done = await_done(main, 60s); !done)
    return std::move(done.error());
  return *seen - t0;
}

caf::expected<figures> smith_pubsub(const options& opts, const nats_setup& env, size_t n) {
  auto p = start_pair(opts, env);
  if (!p)
    return std::move(p.error());
  auto counter = p->b->spawn_agent("counter", "counter-1", receiver_mailbox);
  if (!counter)
    return std::move(counter.error());
  bridge::agent_ref ref{bench_domain, "counter-1"};
  v1::AddRequest add;
  add.set_n(1);
  if (auto err = wait_reachable(*p->a, ref, "add", add, 10s))
    return err;
  caf::scoped_actor probe{p->b->system()};
  auto base = counter_value(probe, *counter);
  if (!base)
    return std::move(base.error());
  auto deadline = std::chrono::system_clock::now() + 1h;
  bridge::call_request proto{ref, "add", bridge::copy_payload(add), deadline, {}, {}};
  caf::scoped_actor main{p->a->system()};
  auto driver = p->a->system().spawn(cast_driver_impl, proto, caf::actor_cast<caf::actor>(main));
  auto warm = std::max<size_t>(1, n / 10);
  auto ns = cast_round(*p, driver, *counter, main, *base, warm);
  if (ns)
    ns = cast_round(*p, driver, *counter, main, *base + static_cast<int64_t>(warm), n);
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  if (!ns)
    return std::move(ns.error());
  return figures{per_second(n, *ns)};
}

// -- bridge_pubsub: baseline --------------------------------------------------------

/// The baseline subscriber's count; the callback stamps the time the target is reached.
struct raw_counter {
  std::atomic<int64_t> count{0};
  std::atomic<int64_t> target{0};
  std::atomic<int64_t> reached_ns{0};
  std::mutex mtx;
  std::condition_variable cv;

  static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* self = static_cast<raw_counter*>(closure);
    natsMsg_Destroy(msg);
    if (self->count.fetch_add(1, std::memory_order_relaxed) + 1 == self->target.load()) {
      self->reached_ns.store(now_ns());
      std::lock_guard<std::mutex> guard{self->mtx};
      self->cv.notify_all();
    }
  }

  /// Waits until `target` messages were counted; the time it happened, or 0 on timeout.
  int64_t wait() {
    std::unique_lock<std::mutex> guard{mtx};
    cv.wait_for(guard, bridge_scenario_limit, [this] { return count.load() >= target.load(); });
    return count.load() >= target.load() ? reached_ns.load() : 0;
  }
};

/// Publishes `n` copies of `env` and waits for the subscriber to count them; ns taken.
caf::expected<int64_t> raw_round(raw_connection& pub, raw_counter& rc, const envelope& env,
                                 size_t n) {
  rc.target.store(rc.count.load() + static_cast<int64_t>(n));
  auto t0 = now_ns();
  for (size_t i = 0; i < n; ++i)
    if (auto err = pub.publish(env, nullptr))
      return err;
  auto seen = rc.wait();
  if (seen == 0)
    return failure("baseline subscriber counted " + std::to_string(rc.count.load()) + " of "
                   + std::to_string(rc.target.load()));
  return seen - t0;
}

caf::expected<figures> raw_pubsub(const nats_setup& env, size_t n) {
  auto pub = raw_connection::connect(env.server->url(), false);
  auto sub_conn = raw_connection::connect(env.server->url(), false);
  if (!pub || !sub_conn)
    return pub ? std::move(sub_conn.error()) : std::move(pub.error());
  v1::AddRequest add;
  add.set_n(1);
  auto e = request_envelope({bench_domain, "counter-1"}, "add", add, "a");
  if (!e)
    return std::move(e.error());
  raw_counter rc;
  natsSubscription* sub = nullptr;
  auto s = natsConnection_Subscribe(&sub, (*sub_conn)->get(), e->subject.c_str(),
                                    raw_counter::on_msg, &rc);
  if (s == NATS_OK)
    s = natsSubscription_SetPendingLimits(sub, -1, -1);
  caf::expected<int64_t> ns = failure("baseline subscribe failed");
  if (s == NATS_OK && !(*sub_conn)->flush()) {
    auto warm = std::max<size_t>(1, n / 10);
    ns = raw_round(**pub, rc, *e, warm);
    if (ns)
      ns = raw_round(**pub, rc, *e, n);
  }
  if (sub != nullptr) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
  }
  if (!ns)
    return std::move(ns.error());
  return figures{per_second(n, *ns)};
}

} // namespace

outcome run_bridge_pubsub(const options& opts) {
  auto env = make_setup();
  if (!env)
    return std::move(env.error());
  auto n = scaled(opts, 50'000, 100);
  std::shared_ptr<nats_setup> shared = std::move(*env);
  return compare(
    opts, {{"bridge_pubsub", "msg/s"}},
    [shared, n](const options& o) { return smith_pubsub(o, *shared, n); },
    [shared, n](const options&) { return raw_pubsub(*shared, n); });
}

} // namespace smith::bench
