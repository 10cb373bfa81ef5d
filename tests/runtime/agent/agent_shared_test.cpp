// What agents of one type share (control handlers, code, meter groups) and the compact lifecycle.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/agent/agent_meters.hpp"
#include "runtime/agent/lifecycle.hpp"
#include "runtime/core/system_setup.hpp"
#include "tests/support/test_agents.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

/// The totals of `domain`/`type` (a default-constructed one if absent).
agent_type_totals shared_test_totals(const std::string& domain, const std::string& type) {
  for (auto& t : agent_meters::instance().totals())
    if (t.domain == domain && t.type == type)
      return t;
  return {};
}

} // namespace

TEST_CASE("agents of one type answer control messages each as itself from any thread") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  auto type = calc_type();
  constexpr int n = 16;
  std::vector<calc_actor> agents;
  for (int i = 0; i < n; ++i) {
    auto c = calc_config();
    c.id = *make_agent_id("tests", "shared" + std::to_string(i), "1.2.3");
    agents.push_back(caf::actor_cast<calc_actor>(type.spawn(sys, c)));
  }
  caf::scoped_actor self{sys};
  for (int i = 0; i < n; ++i)
    self->request(agents[i], 5s, add_atom::value, int64_t{i}).receive(
      [&](int64_t v) { CHECK(v == i); }, [](caf::error& e) { FAIL(caf::to_string(e)); });
  self->request(agents[3], 5s, suspend_atom::value).receive([](ok_atom) {},
                                                            [](caf::error& e) { FAIL(caf::to_string(e)); });
  for (int i = 0; i < n; ++i)
    self->request(agents[i], 5s, status_atom::value).receive(
      [&](agent_status& st) {
        CHECK(st.id.name == "shared" + std::to_string(i));
        CHECK(st.counters.handled == 1);
        CHECK(st.state == (i == 3 ? lifecycle_state::suspended : lifecycle_state::active));
      },
      [](caf::error& e) { FAIL(caf::to_string(e)); });
  for (auto& a : agents)
    self->send_exit(a, caf::exit_reason::kill);
}

TEST_CASE("lifecycle history keeps inline and heap transitions in order") {
  using s = lifecycle_state;
  lifecycle lc;
  std::string long_reason = "a reason longer than thirteen bytes";
  REQUIRE(!lc.transition(s::registering, 1, "thirteen byte"));
  REQUIRE(!lc.transition(s::registered, 2, long_reason));
  REQUIRE(!lc.transition(s::active, 3, "started")); // short, but after a heap entry
  REQUIRE(!lc.transition(s::suspended, 4));
  auto h = lc.history();
  REQUIRE(h.size() == 4);
  CHECK(h[0].reason == "thirteen byte");
  CHECK(h[1].reason == long_reason);
  CHECK(h[2].reason == "started");
  for (size_t i = 0; i < h.size(); ++i)
    CHECK(h[i].at_ns == static_cast<int64_t>(i + 1));
  CHECK(h[0].from == s::unregistered);
  CHECK(h[3].from == s::active);
  CHECK(h[3].to == s::suspended);
  CHECK(lc.state() == s::suspended);
}

TEST_CASE("agent_meters keeps a type's live meters and folds those that leave") {
  auto& table = agent_meters::instance();
  agent_meter a, b, c, other;
  table.attach(a, "meters_t", "x");
  table.attach(b, "meters_t", "x");
  table.attach(c, "meters_t", "x");
  table.attach(other, "meters_t", "y");
  agent_meter d;
  std::thread{[&] { table.attach(d, "meters_t", "x"); }}.join(); // another thread's cache
  a.handled = 1;
  b.handled = 5;
  c.queued = 7;
  c.state = static_cast<uint8_t>(lifecycle_state::active);
  other.handled = 100;
  table.detach(b, "meters_t", "x"); // from the middle of the list
  table.detach(b, "meters_t", "x"); // idempotent
  auto t = shared_test_totals("meters_t", "x");
  CHECK(t.handled == 6);
  CHECK(t.mailbox_depth == 7);
  CHECK(t.mailbox_depth_max == 7);
  CHECK(t.live_by_state[static_cast<size_t>(lifecycle_state::active)] == 1);
  CHECK(t.live_by_state[static_cast<size_t>(lifecycle_state::unregistered)] == 2);
  CHECK(shared_test_totals("meters_t", "y").handled == 100);
  table.detach(c, "meters_t", "x"); // the head
  table.detach(a, "meters_t", "x");
  table.detach(d, "meters_t", "x");
  table.detach(other, "meters_t", "y");
  t = shared_test_totals("meters_t", "x");
  CHECK(t.handled == 6);
  CHECK(t.mailbox_depth == 0);
  for (auto n : t.live_by_state)
    CHECK(n == 0);
}

TEST_CASE("an agent keeps its configured identity and settings, odd instance texts included") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  auto type = calc_type();
  auto c = calc_config(7);
  auto uuid_instance = c.id.instance;
  c.settings = {{"greeting", "hi"}};
  c.node = "node-x";
  auto plain = caf::actor_cast<calc_actor>(type.spawn(sys, c));
  c.id.name = "odd";
  c.id.instance = "x-uuid"; // hand-made ids (tests, tools) are kept as they are
  auto odd = caf::actor_cast<calc_actor>(type.spawn(sys, c));
  caf::scoped_actor self{sys};
  auto status_of = [&](const calc_actor& a) {
    agent_status out;
    self->request(a, 5s, status_atom::value).receive([&](agent_status& st) { out = st; },
                                                     [](caf::error& e) { FAIL(caf::to_string(e)); });
    return out;
  };
  auto st = status_of(plain);
  CHECK(st.id == agent_id{"tests", "calc", uuid_instance, "1.2.3"});
  CHECK(st.mailbox_capacity == 7);
  CHECK(status_of(odd).id == agent_id{"tests", "odd", "x-uuid", "1.2.3"});
  for (auto& a : {plain, odd})
    self->send_exit(a, caf::exit_reason::kill);
}
