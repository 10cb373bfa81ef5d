// The bridge across real nodes: two smith nodes (two actor systems) on a real nats-server.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <caf/all.hpp>

#include "actors/bridge/bridge_state.hpp"
#include "actors/node/node.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/outbound.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "tests/actors/bridge/examples_node.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace ev1 = smith::examples::v1;

/// A node with `echoes` echo agents and a transient counter.
struct test_node : smith::test::examples_node {
  test_node(const std::string& name, const std::string& url, int echoes)
    : examples_node(name, url,
                    "  [[domain.pool]]\n  agent = \"echo\"\n  instances = " + std::to_string(echoes)
                      + "\n  [[domain.pool]]\n  agent = \"counter\"\n  restart = \"transient\"\n") {}
};

ev1::EchoRequest echo_req(const std::string& text) {
  ev1::EchoRequest r;
  r.set_text(text);
  return r;
}

/// Calls echo until it answers (the target's subscriptions are set up asynchronously).
void wait_reachable(test_node& from, bridge::agent_ref ref) {
  caf::scoped_actor self{*from.sys};
  auto answers = [&] {
    return bool(
      bridge::call_blocking<ev1::EchoReply>(self, ref, "echo", echo_req("ping"), from.in(500ms)));
  };
  if (!test::eventually(answers, 10s))
    FAIL("agent " << ref.domain << "/" << ref.name << " never became reachable");
}

struct two_nodes {
  test::nats_server server;
  test_node a{"na", server.url(), 2};
  test_node b{"nb", server.url(), 2};
  two_nodes() {
    for (auto* n : {&a, &b})
      for (auto name : {"echo-na-1", "echo-na-2", "echo-nb-1", "echo-nb-2"})
        wait_reachable(*n, {"examples", name});
  }
};

} // namespace

TEST_CASE("the same call reaches a local and a remote agent") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  for (std::string name : {"echo-na-1", "echo-nb-1"}) {
    auto r = bridge::call_blocking<ev1::EchoReply>(self, {"examples", name}, "echo",
                                                   echo_req("hi"), n.a.in(2s));
    REQUIRE_MESSAGE(r, n.a.sys->render(r.error()));
    CHECK(r->text().rfind(name + " #", 0) == 0);
    CHECK(r->text().find(": hi") != std::string::npos);
  }
  // A typed proxy on the remote counter: state lives on node b.
  bridge::endpoint_proxy<ev1::AddRequest, ev1::CounterValue> add{{"examples", "counter-nb-1"}, "add"};
  ev1::AddRequest two;
  two.set_n(2);
  REQUIRE(add.blocking(self, two, n.a.in(2s)));
  auto v = add.blocking(self, two, n.a.in(2s));
  REQUIRE(v);
  CHECK(v->value() == 4);
}

TEST_CASE("a pool call is answered by one member, and members on both nodes take turns") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  std::set<std::string> answered_by;
  for (int i = 0; i < 60; ++i) {
    auto r = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "echo"}, "echo",
                                                   echo_req("x"), n.a.in(2s));
    REQUIRE_MESSAGE(r, n.a.sys->render(r.error()));
    answered_by.insert(r->text().substr(0, r->text().find(' ')));
  }
  CHECK(answered_by.size() >= 3); // NATS spreads over both nodes; each node over its members
  CHECK((answered_by.count("echo-na-1") + answered_by.count("echo-na-2")) > 0);
  CHECK((answered_by.count("echo-nb-1") + answered_by.count("echo-nb-2")) > 0);
}

TEST_CASE("a broadcast reaches every agent of the domain that has the action") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  auto br = bridge::find_bridge(*n.a.sys);
  bridge::call_request cr{{"examples", "_all"}, "echo", bridge::copy_payload(echo_req("all")),
                          n.a.in(2s), {}, {}};
  std::vector<bridge::wire_payload> replies;
  self->request(br, 5s, bridge::gather_atom::value, cr, uint32_t{4})
    .receive([&](std::vector<bridge::wire_payload>& xs) { replies = std::move(xs); },
             [&](caf::error& err) { FAIL(n.a.sys->render(err)); });
  std::set<std::string> names;
  for (auto& p : replies) {
    auto r = bridge::payload_as<ev1::EchoReply>(p);
    REQUIRE(r);
    names.insert(r->text().substr(0, r->text().find(' ')));
  }
  CHECK(names == std::set<std::string>{"echo-na-1", "echo-na-2", "echo-nb-1", "echo-nb-2"});
}

TEST_CASE("deadlines: an expired call is not started, a slow answer ends at the deadline") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  auto past = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo",
                                                    echo_req("late"), n.a.in(-1ms));
  REQUIRE_FALSE(past);
  CHECK(bridge::code_of(past.error()) == bridge::wire_code::deadline_exceeded);
  // Suspend the remote agent: it holds the request; the caller gets DEADLINE_EXCEEDED.
  caf::scoped_actor bself{*n.b.sys};
  caf::actor target;
  bself->request(caf::actor_cast<caf::actor>(n.b.sys->registry().get(registry::registry_name)), 2s,
                 registry::resolve_atom::value, std::string{"examples"}, std::string{"echo-nb-1"})
    .receive([&](registry::agent_record& r) { target = r.handle; }, [](caf::error&) {});
  REQUIRE(target);
  bself->request(target, 2s, suspend_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  auto start = std::chrono::steady_clock::now();
  auto slow = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo",
                                                    echo_req("held"), n.a.in(300ms));
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(slow);
  CHECK(bridge::code_of(slow.error()) == bridge::wire_code::deadline_exceeded);
  CHECK(took >= 250ms);
  CHECK(took < 2s);
  bself->request(target, 2s, resume_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
}

TEST_CASE("errors come back typed: unknown action, wrong type, nobody there") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  auto no_action = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "shout",
                                                         echo_req("x"), n.a.in(2s));
  REQUIRE_FALSE(no_action);
  CHECK(bridge::code_of(no_action.error()) == bridge::wire_code::unknown_action);
  ev1::AddRequest wrong;
  auto wrong_type = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo",
                                                          wrong, n.a.in(2s));
  REQUIRE_FALSE(wrong_type);
  CHECK(bridge::code_of(wrong_type.error()) == bridge::wire_code::unknown_type);
  auto nobody = bridge::call_blocking<ev1::EchoReply>(self, {"examples", "ghost"}, "echo",
                                                      echo_req("x"), n.a.in(2s));
  REQUIRE_FALSE(nobody);
  CHECK(bridge::code_of(nobody.error()) == bridge::wire_code::unavailable);
}

TEST_CASE("bridge::cast reaches a local and a remote agent without a reply, refusals come back at once") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  bridge::endpoint_proxy<ev1::AddRequest, ev1::CounterValue> add_local{
    {"examples", "counter-na-1"}, "add"};
  bridge::endpoint_proxy<ev1::AddRequest, ev1::CounterValue> add_remote{
    {"examples", "counter-nb-1"}, "add"};
  ev1::AddRequest three;
  three.set_n(3);
  for (std::string name : {"counter-na-1", "counter-nb-1"})
    for (int i = 0; i < 10; ++i)
      REQUIRE_FALSE(bridge::cast(*n.a.sys, {"examples", name}, "add", bridge::copy_payload(three),
                                 n.a.in(2s)));
  ev1::AddRequest zero;
  for (auto* proxy : {&add_local, &add_remote}) {
    auto until = std::chrono::steady_clock::now() + 5s;
    int64_t seen = -1;
    while (seen != 30 && std::chrono::steady_clock::now() < until) {
      auto v = proxy->blocking(self, zero, n.a.in(2s));
      REQUIRE(v);
      seen = v->value();
    }
    CHECK(seen == 30);
  }
  auto err = bridge::cast(*n.a.sys, {"examples", "counter-na-1"}, "nope",
                          bridge::copy_payload(three), n.a.in(2s));
  CHECK(err == bridge::wire_code::unknown_action);
  err = bridge::cast(*n.a.sys, {"examples", "counter-na-1"}, "add",
                     bridge::copy_payload(echo_req("x")), n.a.in(2s));
  CHECK(err == bridge::wire_code::unknown_type);
  err = bridge::cast(*n.a.sys, {"examples", "counter-nb-1"}, "add", bridge::wire_payload{},
                     n.a.in(2s));
  CHECK(err == bridge::wire_code::bad_request);
}

TEST_CASE("remote calls held past their deadlines expire in deadline order, an earlier one first") {
  two_nodes n;
  caf::scoped_actor bself{*n.b.sys};
  caf::actor target;
  bself->request(caf::actor_cast<caf::actor>(n.b.sys->registry().get(registry::registry_name)), 2s,
                 registry::resolve_atom::value, std::string{"examples"}, std::string{"echo-nb-2"})
    .receive([&](registry::agent_record& r) { target = r.handle; }, [](caf::error&) {});
  REQUIRE(target);
  bself->request(target, 2s, suspend_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  // From an event-based actor: bridge::call's direct path. The late deadline is parked
  // first, so the earlier one must arm its own expiry.
  struct outcome {
    std::string tag;
    caf::error err;
    std::chrono::steady_clock::duration after;
  };
  auto start = std::chrono::steady_clock::now();
  caf::scoped_actor main{*n.a.sys};
  auto mainh = caf::actor_cast<caf::actor>(main);
  auto a_in = [&](std::chrono::milliseconds d) { return n.a.in(d); };
  // An argument besides self: CAF 0.17 spawns zero-argument function actors incorrectly.
  auto caller = n.a.sys->spawn([=](caf::event_based_actor* self, caf::actor to) -> caf::behavior {
    for (auto [tag, d] : {std::pair{"late", 1500ms}, std::pair{"early", 300ms}})
      bridge::call<ev1::EchoReply>(self, {"examples", "echo-nb-2"}, "echo", echo_req(tag),
                                   a_in(d), [=, tag = std::string{tag}](caf::expected<ev1::EchoReply> r) {
                                     self->send(to, tag, r ? caf::error{} : r.error());
                                   });
    return {[](int) {}};
  }, mainh);
  std::vector<outcome> got;
  for (int i = 0; i < 2; ++i)
    main->receive([&](std::string& tag, caf::error& err) {
                    got.push_back({tag, err, std::chrono::steady_clock::now() - start});
                  },
                  caf::after(5s) >> [&] { FAIL("no answer within 5 s"); });
  REQUIRE(got.size() == 2);
  CHECK(got[0].tag == "early");
  CHECK(got[1].tag == "late");
  // The early call did not wait for the sweep armed for the late one.
  CHECK(got[0].after < 1200ms);
  CHECK(got[1].after >= 1400ms);
  for (auto& o : got) {
    CHECK(bridge::code_of(o.err) == bridge::wire_code::deadline_exceeded);
    // The bridge's expiry (it names the subject), not the caller's CAF timeout, answered.
    CHECK_MESSAGE(bridge::error_text(o.err).find("agents.examples.echo-nb-2.echo")
                    != std::string::npos,
                  bridge::error_text(o.err));
  }
  caf::anon_send_exit(caller, caf::exit_reason::user_shutdown);
  bself->request(target, 2s, resume_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
}

TEST_CASE("the expiry sweep is armed only for a deadline earlier than the armed one") {
  actors::pending_table t;
  auto t0 = std::chrono::system_clock::now();
  CHECK(t.arm_sweep(t0 + 10s));      // none armed: this call schedules it
  CHECK_FALSE(t.arm_sweep(t0 + 20s)); // the armed sweep comes first
  CHECK_FALSE(t.arm_sweep(t0 + 10s)); // at the same time: served by it
  CHECK(t.arm_sweep(t0 + 5s));        // earlier: needs its own
  t.sweep_at.store(std::numeric_limits<int64_t>::max()); // what a running sweep does first
  CHECK(t.arm_sweep(t0 + 20s));
}
