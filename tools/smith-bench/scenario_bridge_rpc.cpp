// bridge_rpc: request/reply across two in-process nodes over a real nats-server, against
// raw nats.c with the same request and reply bytes and headers.
#include <atomic>
#include <cstdio>

#include <caf/all.hpp>
#include <nats/nats.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/bridge_pair.hpp"
#include "tools/smith-bench/bridge_workload.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
namespace v1 = examples::v1;


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
  auto done = await_done(main, bridge_scenario_limit);
  if (done) {
    samples->clear();
    main->send(driver, go_atom::value, n);
    done = await_done(main, bridge_scenario_limit);
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
