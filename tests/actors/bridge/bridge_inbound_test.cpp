// Hostile input over NATS: every malformed message is answered with a code, the agent keeps serving.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/registry/registry_api.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace ev1 = smith::examples::v1;

struct single_node {
  test::nats_server server;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;
  std::shared_ptr<nats::connection> client;

  single_node() {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    auto text = "[node]\nname = \"n1\"\n[nats]\nurls = [\"" + server.url()
                + "\"]\nmax_payload = 4096\n[registry]\nheartbeat_interval_ms = 0\n"
                  "[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"echo\"\n";
    auto nc = config::load_config_text(text, "n1.toml");
    REQUIRE(nc);
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
    nats::nats_options o;
    o.urls = {server.url()};
    auto c = nats::connection::connect(o);
    REQUIRE(c);
    client = *c;
  }

  ~single_node() {
    client.reset();
    node.reset();
  }

  /// A request with a valid envelope and the given type and body.
  caf::expected<nats::inbound_msg> ask(const std::string& subject, const std::string& type,
                                       const std::string& body) {
    auto hs = bridge::request_headers(type, std::chrono::system_clock::now() + 2s, {}, "test", {});
    return client->request(subject, hs, body, 2000ms);
  }

  std::string echo_once(const std::string& text) {
    ev1::EchoRequest r;
    r.set_text(text);
    auto reply = ask("agents.examples.echo-n1-1.echo", "smith.examples.v1.EchoRequest",
                     r.SerializeAsString());
    if (!reply)
      return "error: " + sys->render(reply.error());
    ev1::EchoReply out;
    if (!out.ParseFromString(reply->data))
      return "unparsable reply";
    return out.text();
  }

  void wait_ready() {
    if (!smith::test::eventually([&] { return echo_once("ping").find("echo-n1-1") == 0; }, 10s,
                                 10ms))
      FAIL("echo-n1-1 never answered over NATS");
  }
};

std::string code_of(const nats::inbound_msg& m) {
  auto c = nats::find_header(m.headers, bridge::header::service_error_code);
  return c ? *c : std::string{};
}

} // namespace

TEST_CASE("each malformed request gets its specific error code") {
  single_node n;
  n.wait_ready();
  const std::string subj = "agents.examples.echo-n1-1.echo";
  const std::string type = "smith.examples.v1.EchoRequest";
  auto r = n.ask(subj, type, std::string("\xff\xff\xff", 3));
  REQUIRE(r);
  CHECK(code_of(*r) == "400");
  r = n.ask(subj, "smith.examples.v1.NoSuchType", "");
  REQUIRE(r);
  CHECK(code_of(*r) == "415");
  r = n.ask(subj, "smith.examples.v1.AddRequest", "");
  REQUIRE(r);
  CHECK(code_of(*r) == "415"); // known type, not this endpoint's
  r = n.ask(subj, type, std::string(5000, 'a'));
  REQUIRE(r);
  CHECK(code_of(*r) == "413");
  r = n.ask("agents.examples.echo-n1-1.shout", type, "");
  REQUIRE(r);
  CHECK(code_of(*r) == "405");
  // A request without a deadline.
  auto no_deadline = n.client->request(subj, {{"Smith-Type", type}}, "", 2000ms);
  REQUIRE(no_deadline);
  CHECK(code_of(*no_deadline) == "428");
  // Expired before it arrived.
  auto hs = bridge::request_headers(type, std::chrono::system_clock::now() - 1s, {}, {}, {});
  auto expired = n.client->request(subj, hs, "", 2000ms);
  REQUIRE(expired);
  CHECK(code_of(*expired) == "408");
  CHECK(n.echo_once("still").find("echo-n1-1") == 0);
}

TEST_CASE("10,000 random and truncated payloads: all answered, none crash, the agent serves on") {
  single_node n;
  n.wait_ready();
  ev1::EchoRequest valid;
  valid.set_text("a moderately long text to truncate at every position");
  auto bytes = valid.SerializeAsString();
  std::mt19937 rng{20261121};
  std::mutex mtx;
  std::condition_variable cv;
  std::map<std::string, int> codes;
  int answered = 0;
  auto inbox = n.client->new_inbox_prefix();
  auto sub = n.client->subscribe(inbox + ".*", "", [&](nats::inbound_msg&& m) {
    std::lock_guard<std::mutex> g{mtx};
    ++codes[code_of(m)];
    ++answered;
    cv.notify_all();
  });
  REQUIRE(sub);
  REQUIRE_FALSE(n.client->flush(2000ms));
  constexpr int total = 10000;
  auto deadline = std::chrono::system_clock::now() + 30s;
  for (int i = 0; i < total; ++i) {
    std::string body;
    if (i % 2 == 0) {
      body.resize(rng() % 64 + 8);
      for (auto& c : body)
        c = static_cast<char>(rng());
    } else {
      body = bytes.substr(0, rng() % bytes.size());
    }
    auto hs = bridge::request_headers("smith.examples.v1.EchoRequest", deadline, {}, {}, {});
    REQUIRE_FALSE(n.client->publish("agents.examples.echo-n1-1.echo",
                                    inbox + "." + std::to_string(i), hs, body));
  }
  std::unique_lock<std::mutex> lk{mtx};
  REQUIRE(cv.wait_for(lk, 30s, [&] { return answered == total; }));
  // Random bytes are refused (400); a truncation at a field boundary is a valid, shorter
  // request and gets a normal answer (no error code).
  for (auto& [code, count] : codes)
    CHECK_MESSAGE((code == "400" || code.empty()), "code " << code << " x" << count);
  CHECK(codes["400"] >= total / 2 - 5);
  lk.unlock();
  CHECK(n.echo_once("after the storm").find("echo-n1-1") == 0);
  caf::scoped_actor self{*n.sys};
  bridge::bridge_stats st;
  self->request(bridge::find_bridge(*n.sys), 2s, bridge::stats_atom::value)
    .receive([&](bridge::bridge_stats& s) { st = s; }, [](caf::error&) {});
  CHECK(st.rejected[400] >= static_cast<uint64_t>(total / 2 - 5));
}

TEST_CASE("a request the agent holds past its deadline is answered DEADLINE_EXCEEDED, once") {
  single_node n;
  n.wait_ready();
  caf::scoped_actor self{*n.sys};
  caf::actor echo;
  self->request(caf::actor_cast<caf::actor>(n.sys->registry().get(registry::registry_name)), 2s,
                registry::resolve_atom::value, std::string{"examples"}, std::string{"echo-n1-1"})
    .receive([&](registry::agent_record& r) { echo = r.handle; }, [](caf::error&) {});
  REQUIRE(echo);
  self->request(echo, 2s, suspend_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  // Replies to the held request land in `got` (delivery thread), in order.
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<nats::inbound_msg> got;
  auto inbox = n.client->new_inbox_prefix();
  auto sub = n.client->subscribe(inbox, "", [&](nats::inbound_msg&& m) {
    std::lock_guard guard{mtx};
    got.push_back(std::move(m));
    cv.notify_all();
  });
  REQUIRE(sub);
  REQUIRE_FALSE(n.client->flush(2000ms));
  const std::string subj = "agents.examples.echo-n1-1.echo";
  const std::string type = "smith.examples.v1.EchoRequest";
  ev1::EchoRequest held;
  held.set_text("held");
  auto deadline = std::chrono::system_clock::now() + 200ms;
  REQUIRE_FALSE(n.client->publish(subj, inbox,
                                  bridge::request_headers(type, deadline, "held-1", "test", {}),
                                  held.SerializeAsString()));
  // The agent is suspended: nothing answers before the deadline; the sweep runs at most every
  // 100 ms, on the next request after that.
  while (std::chrono::system_clock::now() < deadline + 150ms)
    std::this_thread::sleep_for(10ms); // waiting for the deadline itself to pass
  {
    std::lock_guard guard{mtx};
    CHECK(got.empty());
  }
  auto wake = std::thread{[&] { (void) n.echo_once("next"); }}; // held too, until resumed
  bool answered = false;
  {
    std::unique_lock guard{mtx};
    answered = cv.wait_for(guard, 5s, [&] { return !got.empty(); });
  }
  self->request(echo, 2s, resume_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  wake.join();
  {
    std::lock_guard guard{mtx};
    REQUIRE(answered);
    CHECK(code_of(got[0]) == "408");
    auto* id = nats::find_header(got[0].headers, bridge::header::msg_id);
    REQUIRE(id != nullptr);
    CHECK(*id == "held-1");
  }
  // The agent answers the held request after resuming; that late answer is not sent.
  CHECK(n.echo_once("after").find("echo-n1-1") == 0);
  REQUIRE_FALSE(n.client->flush(2000ms));
  std::lock_guard guard{mtx};
  CHECK(got.size() == 1);
}
