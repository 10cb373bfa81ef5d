// bridge_pubsub and bridge_rpc: agent messages across two in-process nodes over a real
// nats-server, against raw nats.c moving the same bytes and headers.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <nats/nats.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/outbound.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/bridge_workload.hpp"
#include "tools/smith-bench/nats_launcher.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
namespace v1 = examples::v1;

/// Mailbox of the receiving counter: one-way messages beyond it would be refused (OVERLOADED).
constexpr size_t receiver_mailbox = size_t{1} << 24;
constexpr auto scenario_limit = 120s;

/// What every repetition of a NATS scenario shares: the server and the catalog.
struct nats_setup {
  std::unique_ptr<nats_launcher> server;
  std::unique_ptr<domain::domain_catalog> catalog;
};

caf::expected<std::shared_ptr<nats_setup>> make_setup() {
  auto out = std::make_shared<nats_setup>();
  auto server = nats_launcher::start();
  if (!server)
    return std::move(server.error());
  out->server = std::move(*server);
  auto cat = examples_catalog();
  if (!cat)
    return std::move(cat.error());
  out->catalog = std::move(*cat);
  note("nats-server at " + out->server->url());
  return out;
}

/// Two nodes: "a" calls, "b" hosts the agents.
struct node_pair {
  std::unique_ptr<bench_node> a;
  std::unique_ptr<bench_node> b;
};

caf::expected<node_pair> start_pair(const options& opts, const nats_setup& env) {
  node_pair p;
  auto b = bench_node::start(opts, "b", env.server->url(), *env.catalog);
  if (!b)
    return std::move(b.error());
  p.b = std::move(*b);
  auto a = bench_node::start(opts, "a", env.server->url(), *env.catalog);
  if (!a)
    return std::move(a.error());
  p.a = std::move(*a);
  return p;
}

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
  auto until = now_ns() + std::chrono::nanoseconds{scenario_limit}.count();
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
    cv.wait_for(guard, scenario_limit, [this] { return count.load() >= target.load(); });
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

// -- bridge_rpc: Smith side ---------------------------------------------------------

using samples_ptr = std::shared_ptr<std::vector<int64_t>>;

/// Sequential remote calls: the next starts from the answer of the previous one.
void call_next(caf::event_based_actor* self, bridge::wire_payload req, size_t left,
               caf::actor main, samples_ptr out) {
  if (left == 0) {
    self->send(main, done_atom::value, int64_t{0});
    return;
  }
  auto t0 = now_ns();
  auto deadline = std::chrono::system_clock::now() + 5s;
  bridge::call<v1::EchoReply>(self, bridge::agent_ref{bench_domain, "echo-1"}, "echo", req,
                              deadline, [=](caf::expected<v1::EchoReply> r) {
                                if (!r) {
                                  self->send(main, fail_atom::value,
                                             "call: " + self->system().render(r.error()));
                                  return;
                                }
                                out->push_back(now_ns() - t0);
                                call_next(self, req, left - 1, main, out);
                              });
}

caf::behavior rpc_driver_impl(caf::event_based_actor* self, caf::actor main, samples_ptr out) {
  return {[=](go_atom, size_t n) {
    v1::EchoRequest req;
    req.set_text("bench");
    call_next(self, bridge::copy_payload(req), n, main, out);
  }};
}

figures latency_figures(std::vector<int64_t> xs) {
  return figures{percentile_us(xs, 0.5), percentile_us(xs, 0.99)};
}

caf::expected<figures> smith_rpc(const options& opts, const nats_setup& env, size_t n) {
  auto p = start_pair(opts, env);
  if (!p)
    return std::move(p.error());
  if (auto echo = p->b->spawn_agent("echo", "echo-1", 1024); !echo)
    return std::move(echo.error());
  v1::EchoRequest req;
  req.set_text("bench");
  if (auto err = wait_reachable(*p->a, {bench_domain, "echo-1"}, "echo", req, 10s))
    return err;
  auto samples = std::make_shared<std::vector<int64_t>>();
  caf::scoped_actor main{p->a->system()};
  auto driver = p->a->system().spawn(rpc_driver_impl, caf::actor_cast<caf::actor>(main), samples);
  main->send(driver, go_atom::value, std::max<size_t>(1, n / 10));
  auto done = await_done(main, scenario_limit);
  if (done) {
    samples->clear();
    main->send(driver, go_atom::value, n);
    done = await_done(main, scenario_limit);
  }
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  if (!done)
    return std::move(done.error());
  return latency_figures(*samples);
}

// -- bridge_rpc: baseline -----------------------------------------------------------

/// The baseline responder: replies with the reply envelope's headers and bytes.
struct raw_responder {
  raw_connection* conn = nullptr;
  envelope reply;
  std::atomic<uint64_t> failures{0};

  static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* self = static_cast<raw_responder*>(closure);
    const char* to = natsMsg_GetReply(msg);
    if (to == nullptr || self->conn->publish(self->reply, nullptr, to))
      self->failures.fetch_add(1);
    natsMsg_Destroy(msg);
  }
};

/// The baseline requester: publishes each request with a reply subject its own synchronous
/// subscription listens on, and waits on that subscription. This is leaner than
/// natsConnection_RequestMsg, whose shared reply subscription hands every reply from its own
/// delivery thread to the waiting requester (one more thread wake-up per call).
struct raw_requester {
  natsSubscription* inbox = nullptr;
  std::string inbox_subject;

  caf::error open(raw_connection& conn) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "_INBOX.bench.%d", static_cast<int>(now_ns() % 1000000007));
    inbox_subject = buf;
    auto s = natsConnection_SubscribeSync(&inbox, conn.get(), inbox_subject.c_str());
    if (s == NATS_OK)
      s = natsConnection_Flush(conn.get());
    return s == NATS_OK ? caf::error{} : nats::make_nats_error(s, "baseline inbox subscription");
  }

  ~raw_requester() {
    if (inbox != nullptr) {
      natsSubscription_Unsubscribe(inbox);
      natsSubscription_Destroy(inbox);
    }
  }

  /// One request with the request envelope; the reply is dropped unread.
  caf::error request(raw_connection& conn, const envelope& env) {
    if (auto err = conn.publish(env, inbox_subject.c_str()))
      return err;
    natsMsg* reply = nullptr;
    auto s = natsSubscription_NextMsg(&reply, inbox, 5000);
    natsMsg_Destroy(reply);
    if (s == NATS_OK)
      return {};
    return nats::make_nats_error(s, "baseline request to " + env.subject);
  }
};

caf::expected<std::vector<int64_t>> raw_requests(raw_connection& conn, raw_requester& rq,
                                                 const envelope& env, size_t n) {
  std::vector<int64_t> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto t0 = now_ns();
    if (auto err = rq.request(conn, env))
      return err;
    out.push_back(now_ns() - t0);
  }
  return out;
}

caf::expected<figures> raw_rpc(const nats_setup& env, size_t n) {
  auto req_conn = raw_connection::connect(env.server->url(), true);
  auto resp_conn = raw_connection::connect(env.server->url(), true);
  if (!req_conn || !resp_conn)
    return req_conn ? std::move(resp_conn.error()) : std::move(req_conn.error());
  v1::EchoRequest req;
  req.set_text("bench");
  auto e = request_envelope({bench_domain, "echo-1"}, "echo", req, "a");
  if (!e)
    return std::move(e.error());
  v1::EchoReply rep;
  rep.set_text("echo-1 #1: bench");
  raw_responder responder{resp_conn->get(), reply_envelope(rep)};
  natsSubscription* sub = nullptr;
  auto s = natsConnection_Subscribe(&sub, (*resp_conn)->get(), e->subject.c_str(),
                                    raw_responder::on_msg, &responder);
  caf::expected<std::vector<int64_t>> xs = failure("baseline subscribe failed");
  raw_requester rq;
  if (s == NATS_OK && !(*resp_conn)->flush()) {
    if (auto err = rq.open(**req_conn))
      xs = std::move(err);
    else
      xs = raw_requests(**req_conn, rq, *e, std::max<size_t>(1, n / 10));
    if (xs)
      xs = raw_requests(**req_conn, rq, *e, n);
  }
  if (sub != nullptr) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
  }
  if (!xs)
    return std::move(xs.error());
  if (responder.failures.load() > 0)
    return failure("baseline responder failed " + std::to_string(responder.failures.load())
                   + " replies");
  return latency_figures(std::move(*xs));
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

outcome run_bridge_rpc(const options& opts) {
  auto env = make_setup();
  if (!env)
    return std::move(env.error());
  auto n = scaled(opts, 2'000, 50);
  std::shared_ptr<nats_setup> shared = std::move(*env);
  return compare(
    opts, {{"bridge_rpc_p50", "us"}, {"bridge_rpc_p99", "us"}},
    [shared, n](const options& o) { return smith_rpc(o, *shared, n); },
    [shared, n](const options&) { return raw_rpc(*shared, n); });
}

} // namespace smith::bench
