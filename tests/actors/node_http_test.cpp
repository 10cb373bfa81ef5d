// The node's HTTP endpoint on a real node: /healthz, /readyz following NATS, /metrics.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/http/http_errc.hpp"
#include "runtime/http/http_server.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace ev1 = smith::examples::v1;

/// One node on a real nats-server, with its event store and its HTTP endpoint on a free
/// loopback port.
struct http_node {
  test::temp_dir dir{"smith-http"};
  test::nats_server server;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;
  std::string host;
  uint16_t port = 0;

  explicit http_node(const std::string& extra = {}) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    auto text = "[node]\nname = \"h1\"\ndata_dir = \"" + dir.str("data") + "\"\n[nats]\nurls = [\""
                + server.url() + "\"]\nreconnect_wait_ms = 50\n[persistence]\nenabled = true\n"
                + "[http]\nlisten = \"127.0.0.1:0\"\n" + extra
                + "[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"echo\"\n"
                  "  [[domain.pool]]\n  agent = \"counter\"\n";
    auto nc = config::load_config_text(text, "h1.toml");
    REQUIRE_MESSAGE(nc, sys->render(nc.error()));
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
    auto& addr = node->http_address();
    auto colon = addr.rfind(':');
    REQUIRE(colon != std::string::npos);
    host = addr.substr(0, colon);
    port = static_cast<uint16_t>(std::stoi(addr.substr(colon + 1)));
    CHECK(port != 0);
  }

  ~http_node() { node.reset(); }

  http::http_reply get(const std::string& path) {
    auto r = http::http_get(host, port, path, 2s);
    REQUIRE_MESSAGE(r, sys->render(r.error()));
    return *r;
  }

  /// GETs `path` until `pred` holds for the reply or 5 s pass; returns the last reply.
  template <class Pred>
  http::http_reply poll(const std::string& path, Pred pred) {
    http::http_reply r;
    smith::test::eventually([&] { return pred(r = get(path)); }, 5s, 20ms);
    return r;
  }
};

/// The value of the sample whose name and labels are exactly `series`, or -1.
double sample_of(const std::string& text, const std::string& series) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0
        && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return -1;
}

/// Sum of every sample of metric `name` (any labels).
double sum_of(const std::string& text, const std::string& name) {
  std::istringstream in{text};
  double sum = 0;
  for (std::string line; std::getline(in, line);)
    if (line.compare(0, name.size() + 1, name + "{") == 0 || line.compare(0, name.size() + 1, name + " ") == 0)
      sum += std::stod(line.substr(line.rfind(' ') + 1));
  return sum;
}

/// Echo requests over NATS, as any client sends them; returns how many were answered.
int echo_over_nats(const std::string& url, int n) {
  nats::nats_options o;
  o.urls = {url};
  auto c = nats::connection::connect(o);
  REQUIRE(c);
  int ok = 0;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (ok < n && std::chrono::steady_clock::now() < until) {
    ev1::EchoRequest r;
    r.set_text("hi");
    auto hs = bridge::request_headers("smith.examples.v1.EchoRequest",
                                      std::chrono::system_clock::now() + 2s, {}, "test", {});
    auto reply = (*c)->request("agents.examples.echo-h1-1.echo", hs, r.SerializeAsString(), 2000ms);
    ok += reply && !nats::find_header(reply->headers, bridge::header::service_error_code) ? 1 : 0;
  }
  return ok;
}

} // namespace

TEST_CASE("a node serves /healthz and /readyz, and an unknown path is 404") {
  http_node n;
  auto health = n.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  auto ready = n.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");
  auto missing = n.get("/nope");
  CHECK(missing.status == 404);
  CHECK(missing.body.find("/nope") != std::string::npos);
}

TEST_CASE("/readyz is 503 naming NATS while nats-server is down and 200 once it is back") {
  http_node n;
  REQUIRE(n.get("/readyz").status == 200);
  n.server.kill9();
  auto down = n.poll("/readyz", [](auto& r) { return r.status == 503; });
  CHECK(down.status == 503);
  CHECK(down.body.find("not ready: NATS is not connected") == 0);
  CHECK(n.get("/healthz").status == 200); // alive all the same
  n.server.restart();
  auto back = n.poll("/readyz", [](auto& r) { return r.status == 200; });
  CHECK(back.status == 200);
}

TEST_CASE("/metrics counts NATS requests per domain and action and agent messages per type") {
  http_node n;
  auto before = n.get("/metrics");
  REQUIRE(before.status == 200);
  CHECK(before.content_type.find("text/plain; version=0.0.4") == 0);
  const std::string handled = "smith_agent_messages_total{domain=\"examples\",agent_type=\"echo\"}";
  auto handled0 = std::max(0.0, sample_of(before.body, handled));
  REQUIRE(echo_over_nats(n.server.url(), 5) == 5);
  auto after = n.get("/metrics").body;
  INFO(after);
  CHECK(sample_of(after, "smith_bridge_requests_total{domain=\"examples\",action=\"echo\"}") >= 5);
  CHECK(sample_of(after, "smith_bridge_request_duration_seconds_count{domain=\"examples\","
                         "action=\"echo\"}")
        >= 5);
  CHECK(sample_of(after, "smith_bridge_request_duration_seconds_bucket{domain=\"examples\","
                         "action=\"echo\",le=\"+Inf\"}")
        >= 5);
  CHECK(sample_of(after, handled) >= handled0 + 5);
  CHECK(sample_of(after, "smith_registry_agents{scope=\"local\"}") >= 2);
  CHECK(sample_of(after, "smith_node_ready") == 1);
  CHECK(sample_of(after, "smith_nats_connected{connection=\"rpc\"}") == 1);
  CHECK(sample_of(after, "smith_rocksdb_estimate_num_keys") >= 0);
  CHECK(sample_of(after, "smith_agents{domain=\"examples\",agent_type=\"counter\",state=\"active\"}")
        == 1);
}

TEST_CASE("a crashed agent shows up as a restart in /metrics") {
  http_node n;
  const std::string name = "smith_supervisor_restarts_total";
  auto restarts0 = sum_of(n.get("/metrics").body, name);
  caf::scoped_actor self{*n.sys};
  caf::actor cur = caf::actor_cast<caf::actor>(n.node->root());
  for (std::string id : {"examples", "counter", "counter-h1-1"}) {
    caf::actor next;
    self->request(cur, 2s, get_child_atom::value, id)
      .receive([&](caf::actor& a) { next = a; }, [](caf::error&) {});
    REQUIRE(next);
    cur = next;
  }
  self->request(cur, 2s, examples::crash_atom::value).receive([](int64_t) {}, [](caf::error&) {});
  auto r = n.poll("/metrics", [&](auto& m) { return sum_of(m.body, name) >= restarts0 + 1; });
  CHECK(sum_of(r.body, name) >= restarts0 + 1);
  CHECK(sum_of(r.body, "smith_agent_errors_total") >= 1);
}

TEST_CASE("promtool check metrics finds no problem in a node's /metrics") {
  http_node n;
  REQUIRE(echo_over_nats(n.server.url(), 2) == 2); // histogram and counters with samples
  auto file = n.dir.str("metrics.txt");
  std::ofstream{file} << n.get("/metrics").body;
  test::child_process promtool{{"/bin/sh", "-c", "promtool check metrics < '" + file + "'"}};
  auto rc = promtool.wait_exit(10s);
  INFO(promtool.output());
  CHECK(rc == 0);
  CHECK(promtool.output().empty());
}

TEST_CASE("a listen address in use fails the node's start with bind_failed, starting nothing") {
  http_node first;
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  domain::domain_catalog catalog;
  REQUIRE_FALSE(catalog.add(examples::examples_domain()));
  auto nc = config::load_config_text("[http]\nlisten = \"" + first.node->http_address() + "\"\n",
                                     "x.toml");
  REQUIRE(nc);
  actors::node second{sys, *nc, catalog};
  auto err = second.start();
  REQUIRE(err);
  CHECK(err == http::http_errc::bind_failed);
  CHECK(sys.render(err).find(first.node->http_address()) != std::string::npos);
  CHECK_FALSE(second.root());
}
