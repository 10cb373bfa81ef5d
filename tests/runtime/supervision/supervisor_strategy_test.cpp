// Restart strategies and restart types (permanent, transient, temporary).
#include <doctest/doctest.h>

#include "tests/support/event_recorder.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::supervision;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

std::vector<uint64_t> crash_second_of_three(strategy s) {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "sup";
  spec.flags.strategy_ = s;
  spec.flags.intensity = 3;
  spec.children = {worker("c1", log), worker("c2", log), worker("c3", log)};
  auto sup = *spawn_supervisor(ts.sys(), spec);
  ts.run();
  crash(ts, sup, "c2");
  auto result = incarnations(ts, sup);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
  return result;
}

struct fixture {
  test_system ts;
  start_log log = make_log();
  caf::actor sup;

  void start(strategy s, std::vector<child_spec> kids, int intensity = 3) {
    supervisor_spec spec;
    spec.path = "sup";
    spec.flags.strategy_ = s;
    spec.flags.intensity = intensity;
    spec.children = std::move(kids);
    sup = caf::actor_cast<caf::actor>(*spawn_supervisor(ts.sys(), spec));
    ts.run();
  }

  void stop_child(const std::string& id) {
    caf::anon_send(child_of(ts, sup, id), stop_atom::value);
    ts.run();
  }

  std::vector<std::string> ids() {
    std::vector<std::string> out;
    for (auto& c : ts.ask<std::vector<child_info>>(sup, which_children_atom::value))
      out.push_back(c.id);
    return out;
  }

  child_info info(const std::string& id) {
    for (auto& c : ts.ask<std::vector<child_info>>(sup, which_children_atom::value))
      if (c.id == id)
        return c;
    return {};
  }

  ~fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    ts.run();
  }
};

} // namespace

TEST_CASE("crash child 2 of 3: one_for_one restarts only child 2") {
  CHECK(crash_second_of_three(strategy::one_for_one) == std::vector<uint64_t>{1, 2, 1});
}

TEST_CASE("crash child 2 of 3: one_for_all restarts children 1, 2 and 3") {
  CHECK(crash_second_of_three(strategy::one_for_all) == std::vector<uint64_t>{2, 2, 2});
}

TEST_CASE("crash child 2 of 3: rest_for_one restarts children 2 and 3") {
  CHECK(crash_second_of_three(strategy::rest_for_one) == std::vector<uint64_t>{1, 2, 2});
}

TEST_CASE("one_for_all stops the siblings in reverse start order before restarting in order") {
  fixture f;
  f.start(strategy::one_for_all, {worker("a", f.log), worker("b", f.log), worker("c", f.log)});
  crash(f.ts, f.sup, "a");
  CHECK(*f.log == std::vector<std::string>{"a#1", "b#1", "c#1", "a#2", "b#2", "c#2"});
  auto evs = f.ts.ask<std::vector<supervisor_event>>(f.sup, events_atom::value);
  std::vector<std::string> terminated;
  for (auto& ev : evs)
    if (ev.kind == event_kind::child_terminated)
      terminated.push_back(ev.child_id);
  CHECK(terminated == std::vector<std::string>{"c", "b"});
}

TEST_CASE("a permanent child is restarted after a normal exit and after a crash") {
  fixture f;
  f.start(strategy::one_for_one, {worker("p", f.log)});
  f.stop_child("p");
  CHECK(f.info("p").incarnation == 2);
  crash(f.ts, f.sup, "p");
  CHECK(f.info("p").incarnation == 3);
}

TEST_CASE("a transient child is restarted after a crash but not after a normal exit") {
  fixture f;
  f.start(strategy::one_for_one, {worker("t", f.log, restart_type::transient)});
  crash(f.ts, f.sup, "t");
  CHECK(f.info("t").incarnation == 2);
  CHECK(f.info("t").status == child_status::running);
  f.stop_child("t");
  CHECK(f.info("t").status == child_status::undefined);
  CHECK(f.ids() == std::vector<std::string>{"t"}); // kept, as OTP keeps the spec
}

TEST_CASE("a temporary child is never restarted and is removed after any exit") {
  fixture f;
  f.start(strategy::one_for_one,
          {worker("x", f.log, restart_type::temporary), worker("y", f.log, restart_type::temporary)},
          0);
  crash(f.ts, f.sup, "x");
  f.stop_child("y");
  CHECK(f.ids().empty());
  CHECK(*f.log == std::vector<std::string>{"x#1", "y#1"});
  // intensity 0: had the temporary exits consumed intensity, the supervisor would be gone
  CHECK(f.ts.request<child_counts>(f.sup, count_children_atom::value));
}

TEST_CASE("a temporary bystander under one_for_all is stopped, never restarted, and consumes no "
          "intensity") {
  fixture f;
  f.start(strategy::one_for_all,
          {worker("a", f.log), worker("tmp", f.log, restart_type::temporary), worker("c", f.log)},
          1);
  exit_watch watch{f.ts, f.sup};
  crash(f.ts, f.sup, "a");
  CHECK(f.ids() == std::vector<std::string>{"a", "c"});
  CHECK(*f.log == std::vector<std::string>{"a#1", "tmp#1", "c#1", "a#2", "c#2"});
  CHECK_FALSE(watch.down());
}

TEST_CASE("a child that ignores shutdown is killed when its shutdown timeout expires") {
  fixture f;
  auto deaf = worker("deaf", f.log, restart_type::permanent, true);
  deaf.shutdown = shutdown_spec::after(200ms);
  f.start(strategy::one_for_one, {deaf});
  auto& self = f.ts.self();
  auto h = self->request(f.sup, caf::infinite, terminate_child_atom::value, std::string{"deaf"});
  f.ts.run();
  CHECK(f.info("deaf").status == child_status::terminating);
  f.ts.advance(199ms);
  CHECK(f.info("deaf").status == child_status::terminating);
  f.ts.advance(1ms);
  bool answered = false;
  h.receive([&](ok_atom) { answered = true; }, [&](caf::error&) {});
  CHECK(answered);
  CHECK(f.info("deaf").status == child_status::undefined);
  auto evs = f.ts.ask<std::vector<supervisor_event>>(f.sup, events_atom::value);
  REQUIRE(evs.back().kind == event_kind::child_terminated);
  CHECK(evs.back().reason.find("kill") != std::string::npos);
}

TEST_CASE("brutal_kill stops a deaf child at once") {
  fixture f;
  auto deaf = worker("deaf", f.log, restart_type::permanent, true);
  deaf.shutdown = shutdown_spec::brutal_kill();
  f.start(strategy::one_for_one, {deaf});
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"deaf"}));
  CHECK(f.info("deaf").status == child_status::undefined);
}

TEST_CASE("auto_shutdown any_significant stops the supervisor when a significant child ends") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "sup";
  spec.flags.auto_shutdown_ = auto_shutdown::any_significant;
  auto sig = worker("sig", log, restart_type::transient);
  sig.significant = true;
  spec.children = {worker("other", log), sig};
  auto sup = *spawn_supervisor(ts.sys(), spec);
  ts.run();
  exit_watch watch{ts, sup};
  caf::anon_send(child_of(ts, sup, "sig"), stop_atom::value);
  ts.run();
  REQUIRE(watch.down());
  CHECK(*watch.reason == caf::exit_reason::user_shutdown);
}

TEST_CASE("auto_shutdown all_significant waits for the last significant child") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "sup";
  spec.flags.auto_shutdown_ = auto_shutdown::all_significant;
  auto s1 = worker("s1", log, restart_type::transient);
  s1.significant = true;
  auto s2 = worker("s2", log, restart_type::temporary);
  s2.significant = true;
  spec.children = {s1, s2};
  auto sup = *spawn_supervisor(ts.sys(), spec);
  ts.run();
  exit_watch watch{ts, sup};
  caf::anon_send(child_of(ts, sup, "s1"), stop_atom::value);
  ts.run();
  CHECK_FALSE(watch.down());
  caf::anon_send(child_of(ts, sup, "s2"), stop_atom::value);
  ts.run();
  CHECK(watch.down());
}

TEST_CASE("a child killed from outside is restarted and its supervisor survives") {
  fixture f;
  f.start(strategy::one_for_one, {worker("a", f.log), worker("b", f.log)});
  exit_watch watch{f.ts, f.sup};
  caf::anon_send_exit(child_of(f.ts, f.sup, "a"), caf::exit_reason::kill);
  f.ts.run();
  CHECK_FALSE(watch.down());
  CHECK(f.info("a").incarnation == 2);
  CHECK(f.info("b").incarnation == 1);
}

TEST_CASE("a supervisor that is killed takes its running children down with it") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "sup";
  spec.children = {worker("a", log), worker("b", log)};
  auto sup = *spawn_supervisor(ts.sys(), spec);
  ts.run();
  exit_watch wa{ts, child_of(ts, sup, "a")};
  exit_watch wb{ts, child_of(ts, sup, "b")};
  caf::anon_send_exit(sup, caf::exit_reason::kill);
  ts.run();
  CHECK(wa.down());
  CHECK(wb.down());
}
