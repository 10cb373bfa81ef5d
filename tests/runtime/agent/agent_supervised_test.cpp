// Agents under a supervisor that does not monitor them: they report their own exits.
#include <doctest/doctest.h>

#include <caf/default_attachable.hpp>

#include "runtime/core/shutdown.hpp"
#include "runtime/supervision/supervision_errc.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tests/support/test_agents.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;

namespace {

/// Removes a monitor of `sup` on `child` (if any) and says whether there was one.
bool supervised_drop_monitor(const caf::actor& child, const supervision::supervisor_actor& sup) {
  caf::default_attachable::observe_token tk{sup.address(), caf::default_attachable::monitor};
  return child->detach(caf::attachable::token{caf::attachable::token::observer, &tk}) > 0;
}

/// A calc type whose agents append "name#incarnation" to `log` when they stop.
agent_type supervised_logging_type(start_log log) {
  calc_self::hooks_type hooks;
  hooks.on_stop = [log](calc_self* self) {
    log->push_back(self->config().name() + "#" + std::to_string(self->config().incarnation()));
  };
  return make_agent_type<calc_iface, calc_state>("calc", "1.2.3", {}, calc_impl, hooks);
}

supervision::supervisor_actor supervised_pool(test_system& ts, std::vector<std::string> names,
                                              agent_type type, instance_options opts = {}) {
  supervision::supervisor_spec spec;
  spec.path = "pool";
  spec.flags.intensity = 10;
  auto t = std::make_shared<const agent_type>(std::move(type));
  auto o = std::make_shared<const instance_options>(std::move(opts));
  for (auto& n : names)
    spec.children.push_back(agent_child(t, "tests", n, o));
  auto sup = *supervision::spawn_supervisor(ts.sys(), spec);
  ts.run();
  return sup;
}

uint64_t supervised_restarts(test_system& ts, const supervision::supervisor_actor& sup) {
  auto kids = ts.request<std::vector<supervision::child_info>>(sup, which_children_atom::value);
  REQUIRE(kids);
  return kids->front().restarts;
}

} // namespace

TEST_CASE("a supervisor restarts an agent it does not monitor after kill, a throw and an exit") {
  test_system ts;
  auto sup = supervised_pool(ts, {"calc-1"}, calc_type());
  auto first = child_of(ts, sup, "calc-1");
  REQUIRE(first);
  CHECK_FALSE(supervised_drop_monitor(first, sup)); // the agent reports its exit itself
  caf::anon_send_exit(first, caf::exit_reason::kill);
  ts.run();
  auto second = child_of(ts, sup, "calc-1");
  REQUIRE(second);
  CHECK(second != first);
  CHECK(supervised_restarts(ts, sup) == 1);
  CHECK_FALSE(ts.request<int64_t>(caf::actor_cast<calc_actor>(second), boom_atom::value));
  auto third = child_of(ts, sup, "calc-1");
  REQUIRE(third);
  CHECK(third != second);
  CHECK(supervised_restarts(ts, sup) == 2);
  // A permanent agent that ends normally (drained) comes back too.
  CHECK_FALSE(ts.request_void(caf::actor_cast<calc_actor>(third), drain_atom::value, uint64_t{0}));
  ts.run();
  CHECK(child_of(ts, sup, "calc-1") != third);
  CHECK(supervised_restarts(ts, sup) == 3);
  auto evs = ts.ask<std::vector<supervision::supervisor_event>>(sup, events_atom::value);
  std::vector<std::string> exits;
  for (auto& ev : evs)
    if (ev.kind == supervision::event_kind::child_exited)
      exits.push_back(ev.reason);
  REQUIRE(exits.size() == 3);
  CHECK(exits[0].find("kill") != std::string::npos);
  CHECK(exits[2].find("shutdown") != std::string::npos);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("a transient agent that drains is not restarted and one that throws is") {
  test_system ts;
  instance_options opts;
  opts.restart = supervision::restart_type::transient;
  auto sup = supervised_pool(ts, {"calc-1"}, calc_type(), opts);
  auto first = caf::actor_cast<calc_actor>(child_of(ts, sup, "calc-1"));
  CHECK_FALSE(ts.request<int64_t>(first, boom_atom::value));
  auto second = caf::actor_cast<calc_actor>(child_of(ts, sup, "calc-1"));
  REQUIRE(second);
  CHECK(second != first);
  CHECK_FALSE(ts.request_void(second, drain_atom::value, uint64_t{0}));
  ts.run();
  auto gone = ts.request<caf::actor>(sup, get_child_atom::value, std::string{"calc-1"});
  REQUIRE_FALSE(gone);
  CHECK(gone.error() == supervision::supervision_errc::not_running);
  CHECK(supervised_restarts(ts, sup) == 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("an orderly shutdown stops unmonitored agents one by one in reverse start order") {
  test_system ts;
  auto log = make_log();
  auto sup = supervised_pool(ts, {"a", "b", "c"}, supervised_logging_type(log));
  exit_watch sup_exit{ts, sup};
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
  CHECK(*log == std::vector<std::string>{"c#1", "b#1", "a#1"});
  REQUIRE(sup_exit.down());
  CHECK(is_shutdown(**sup_exit.reason));
}

TEST_CASE("a supervisor killed outright takes its unmonitored agents with it") {
  test_system ts;
  auto log = make_log();
  auto sup = supervised_pool(ts, {"a", "b"}, supervised_logging_type(log));
  exit_watch a_exit{ts, child_of(ts, sup, "a")};
  exit_watch b_exit{ts, child_of(ts, sup, "b")};
  caf::anon_send_exit(sup, caf::exit_reason::kill);
  ts.run();
  CHECK(a_exit.down());
  CHECK(b_exit.down());
  CHECK(log->size() == 2);
}

TEST_CASE("an agent type whose spawn makes a plain actor is monitored for the supervisor") {
  test_system ts;
  agent_type plain{"plain", "1.0.0", {}, {}, nullptr};
  plain.spawn = [](caf::actor_system& sys, agent_instance cfg) {
    return sys.spawn(test_worker, cfg.incarnation(), false);
  };
  auto sup = supervised_pool(ts, {"w"}, plain);
  auto first = child_of(ts, sup, "w");
  REQUIRE(first);
  caf::anon_send_exit(first, caf::exit_reason::kill);
  ts.run();
  auto second = child_of(ts, sup, "w");
  REQUIRE(second);
  CHECK(second != first);
  CHECK(supervised_restarts(ts, sup) == 1);
  crash(ts, sup, "w");
  CHECK(supervised_restarts(ts, sup) == 2);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("an exit report from an actor that is not the running child changes nothing") {
  test_system ts;
  auto sup = supervised_pool(ts, {"calc-1"}, calc_type());
  auto running = child_of(ts, sup, "calc-1");
  auto stranger = ts.sys().spawn(test_worker, uint64_t{1}, false);
  caf::anon_send(caf::actor_cast<caf::actor>(sup), child_down_atom::value, stranger.address(),
                 std::string{"calc-1"}, caf::make_error(caf::exit_reason::kill));
  caf::anon_send(caf::actor_cast<caf::actor>(sup), child_down_atom::value, running.address(),
                 std::string{"nobody"}, caf::make_error(caf::exit_reason::kill));
  ts.run();
  CHECK(child_of(ts, sup, "calc-1") == running);
  CHECK(supervised_restarts(ts, sup) == 0);
  caf::anon_send_exit(stranger, caf::exit_reason::kill);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("a pool listed by agent_group runs each agent under its name, unmonitored, restarted") {
  test_system ts;
  auto log = make_log();
  supervision::supervisor_spec spec;
  spec.path = "pool";
  spec.flags.intensity = 10;
  auto type = std::make_shared<const agent_type>(supervised_logging_type(log));
  auto opts = std::make_shared<const instance_options>();
  spec.groups.push_back(agent_group(type, "tests", {"g-1", "g-2", "g-3"}, opts));
  auto sup = *supervision::spawn_supervisor(ts.sys(), spec);
  ts.run();
  for (auto name : {"g-1", "g-2", "g-3"}) {
    auto a = child_of(ts, sup, name);
    REQUIRE(a);
    CHECK_FALSE(supervised_drop_monitor(a, sup)); // reports its exit itself
    auto st = ts.request<agent_status>(caf::actor_cast<calc_actor>(a), status_atom::value);
    REQUIRE(st);
    CHECK(st->id.name == name);
    CHECK(st->id.domain == "tests");
  }
  auto before = child_of(ts, sup, "g-2");
  caf::anon_send_exit(before, caf::exit_reason::kill);
  ts.run();
  auto after = child_of(ts, sup, "g-2");
  REQUIRE(after);
  CHECK(after != before);
  CHECK(incarnations(ts, sup) == std::vector<uint64_t>{1, 2, 1});
  CHECK(*log == std::vector<std::string>{"g-2#1"});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}
