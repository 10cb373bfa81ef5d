// Trace context across real nodes: traceparent headers hop to hop, trace ids in every log.
#include <doctest/doctest.h>

#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/agent/agent.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/log/logging.hpp"
#include "runtime/log/trace_context.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/actors/bridge/examples_node.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace ev1 = smith::examples::v1;

constexpr const char* trace_parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
constexpr const char* trace_id = "0af7651916cd43dd8448eb211c80319c";

/// Keeps every formatted line; readable while nodes log from other threads.
class trace_line_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  std::vector<std::string> lines() {
    std::lock_guard guard{mutex_};
    return lines_;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    lines_.emplace_back(buf.data(), buf.size());
  }
  void flush_() override {}

private:
  std::vector<std::string> lines_;
};

/// Every log line of the process (all nodes of the test), at debug level, while it lives.
struct trace_log_capture {
  std::shared_ptr<trace_line_sink> sink = std::make_shared<trace_line_sink>();
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

  trace_log_capture() {
    config::log_config cfg;
    cfg.level = "debug";
    REQUIRE_FALSE(log::setup_logging(cfg, "test", sink));
  }
  ~trace_log_capture() { spdlog::set_default_logger(previous); }

  /// Lines containing every one of `needles`.
  std::vector<std::string> lines_with(std::initializer_list<std::string> needles) {
    std::vector<std::string> hits;
    for (auto& l : sink->lines()) {
      bool all = true;
      for (auto& n : needles)
        all = all && l.find(n) != std::string::npos;
      if (all)
        hits.push_back(l);
    }
    return hits;
  }
};

/// A node with one echo agent.
struct trace_node : smith::test::examples_node {
  trace_node(const std::string& name, const std::string& url)
    : examples_node(name, url, "  [[domain.pool]]\n  agent = \"echo\"\n") {}
};

using relay_atom = caf::atom_constant<caf::atom("relay")>;
/// An SDK agent that answers `relay(text)` by calling echo-nb-1 (another node) with it.
using relay_iface = caf::typed_actor<caf::replies_to<relay_atom, std::string>::with<std::string>>;
struct relay_state {};
using relay_self = agent::agent_actor<relay_iface, relay_state>;

relay_iface::behavior_type relay_impl(relay_self* self) {
  return {
    [=](relay_atom, const std::string& text) -> caf::result<std::string> {
      spdlog::info("relay: forwarding '{}'", text); // the agent's own line, in the trace
      auto rp = self->make_response_promise<std::string>();
      ev1::EchoRequest req;
      req.set_text(text);
      bridge::call<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo", req,
                                   std::chrono::system_clock::now() + 2s,
                                   [rp](caf::expected<ev1::EchoReply> r) mutable {
                                     if (r)
                                       rp.deliver(r->text());
                                     else
                                       rp.deliver(r.error());
                                   });
      return rp;
    },
  };
}

struct traced_cluster {
  trace_log_capture logs;
  test::nats_server server;
  trace_node a{"na", server.url()};
  trace_node b{"nb", server.url()};
  std::shared_ptr<nats::connection> client;

  traced_cluster() {
    nats::nats_options o;
    o.urls = {server.url()};
    auto c = nats::connection::connect(o);
    REQUIRE(c);
    client = *c;
    // Reachable over NATS (the bridges subscribe asynchronously).
    REQUIRE_MESSAGE(test::eventually([&] { return bool(ask("", "ready")); }, 10s),
                    "echo-nb-1 never answered");
  }

  ~traced_cluster() {
    client.reset();
    b.node.reset();
    a.node.reset();
  }

  /// A raw request to echo-nb-1 with `traceparent` (left out when empty).
  caf::expected<nats::inbound_msg> ask(const std::string& traceparent, const std::string& text) {
    ev1::EchoRequest r;
    r.set_text(text);
    auto hs = bridge::request_headers("smith.examples.v1.EchoRequest",
                                      std::chrono::system_clock::now() + 1s, {}, "trace-test",
                                      traceparent);
    auto res = client->request("agents.examples.echo-nb-1.echo", hs, r.SerializeAsString(), 1000ms);
    if (res && nats::find_header(res->headers, bridge::header::service_error_code))
      return caf::make_error(caf::sec::runtime_error, "error reply");
    return res;
  }
};

std::string reply_trace(const nats::inbound_msg& m) {
  auto* tp = nats::find_header(m.headers, bridge::header::traceparent);
  return tp ? *tp : std::string{};
}

} // namespace

TEST_CASE("an agent's call to another node continues the trace of the request it handles") {
  traced_cluster c;
  std::mutex mtx;
  std::vector<std::string> seen; // traceparents of requests to echo-nb-1 on the wire
  auto sub = c.client->subscribe("agents.examples.echo-nb-1.echo", "", [&](nats::inbound_msg&& m) {
    std::lock_guard guard{mtx};
    seen.push_back(reply_trace(m));
  });
  REQUIRE(sub);
  REQUIRE_FALSE(c.client->flush(1000ms));
  agent::agent_config cfg;
  cfg.id = *agent::make_agent_id("tracing", "relay-1", "1.0.0");
  auto relay = agent::spawn_agent<relay_iface, relay_state>(*c.a.sys, cfg, relay_impl);
  caf::scoped_actor self{*c.a.sys};
  std::string answer;
  {
    // What node a's bridge does for a request arriving with this traceparent.
    log::trace_scope scope{trace_parent};
    self->request(relay, 3s, relay_atom::value, std::string{"over"})
      .receive([&](std::string& s) { answer = s; },
               [&](caf::error& err) { FAIL(c.a.sys->render(err)); });
  }
  CHECK(answer.find("echo-nb-1") == 0);
  CHECK(answer.find(": over") != std::string::npos);
  REQUIRE_FALSE(c.client->flush(1000ms));
  {
    std::lock_guard guard{mtx};
    std::vector<std::string> ours;
    for (auto& tp : seen)
      if (tp.find(trace_id) != std::string::npos)
        ours.push_back(tp);
    REQUIRE(ours.size() == 1);
    CHECK(bridge::valid_traceparent(ours[0]));
    CHECK(ours[0].substr(0, 36) == std::string{trace_parent}.substr(0, 36)); // same trace id
    CHECK(ours[0] != trace_parent); // a new span for the hop
  }
  auto tag = std::string{"trace="} + trace_id;
  CHECK(c.logs.lines_with({"relay: forwarding 'over'", tag}).size() == 1);
  CHECK(c.logs.lines_with({"bridge na: call echo of examples/echo-nb-1", tag}).size() == 1);
  CHECK(c.logs.lines_with({"bridge nb: request echo for examples/echo-nb-1", tag}).size() == 1);
  CHECK(c.logs.lines_with({"bridge nb: examples/echo-nb-1 answered echo", tag}).size() == 1);
  caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
}

TEST_CASE("inbound traceparents: kept when valid, a fresh trace when absent or malformed") {
  traced_cluster c;
  auto known = c.ask(trace_parent, "known");
  REQUIRE(known);
  CHECK(reply_trace(*known) == trace_parent);
  auto none = c.ask("", "none");
  REQUIRE(none);
  CHECK(bridge::valid_traceparent(reply_trace(*none)));
  CHECK(reply_trace(*none).find(trace_id) == std::string::npos);
  for (auto bad : {"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "garbage",
                   "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"}) {
    auto r = c.ask(bad, "bad");
    REQUIRE(r);
    CAPTURE(bad);
    CHECK(bridge::valid_traceparent(reply_trace(*r)));
    CHECK(reply_trace(*r) != bad);
  }
  // One warning for the sender, however many malformed ones it sends.
  CHECK(c.logs.lines_with({"bridge nb: malformed traceparent from trace-test"}).size() == 1);
  CHECK(c.logs.lines_with({"bridge nb: request echo", std::string{"trace="} + trace_id}).size()
        == 1);
}
