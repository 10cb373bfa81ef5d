// Child groups (supervisor_spec::groups): children listed by id beside one shared spec.
#include <doctest/doctest.h>

#include "runtime/supervision/supervision_errc.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::supervision;
using namespace smith::test;

namespace {

/// A group of `ids` started by test workers logging to `log`.
child_group worker_group(std::vector<std::string> ids, start_log log,
                         restart_type restart = restart_type::permanent) {
  return {worker("ignored", std::move(log), restart), std::move(ids)};
}

std::vector<std::string> ids_of(test_system& ts, const supervisor_actor& sup) {
  std::vector<std::string> out;
  for (auto& c : ts.ask<std::vector<child_info>>(sup, which_children_atom::value))
    out.push_back(c.id);
  return out;
}

/// The refusal of `spec` by spawn_supervisor, rendered ("" if it started).
std::string refusal(supervisor_spec spec, supervision_errc want) {
  test_system ts;
  auto res = spawn_supervisor(ts.sys(), std::move(spec));
  if (res) {
    caf::anon_send_exit(*res, caf::exit_reason::user_shutdown);
    ts.run();
    return {};
  }
  CHECK(res.error() == want);
  return ts.render(res.error());
}

} // namespace

TEST_CASE("a child group starts a child per id after the listed children, in order") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "pool";
  spec.children = {worker("first", log)};
  spec.groups.push_back(worker_group({"g1", "g2"}, log));
  spec.groups.push_back(worker_group({"h1"}, log));
  auto sup = *spawn_supervisor(ts.sys(), std::move(spec));
  ts.run();
  CHECK(*log == std::vector<std::string>{"first#1", "g1#1", "g2#1", "h1#1"});
  CHECK(ids_of(ts, sup) == std::vector<std::string>{"first", "g1", "g2", "h1"});
  auto counts = ts.ask<child_counts>(sup, count_children_atom::value);
  CHECK(counts.specs == 4);
  CHECK(counts.active == 4);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("the children of a group are restarted, stopped and deleted each on its own") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.flags.strategy_ = strategy::rest_for_one;
  spec.flags.intensity = 5;
  spec.groups.push_back(worker_group({"a", "b", "c"}, log));
  auto sup = *spawn_supervisor(ts.sys(), std::move(spec));
  ts.run();
  crash(ts, sup, "b"); // rest_for_one: b and c, in order
  CHECK(incarnations(ts, sup) == std::vector<uint64_t>{1, 2, 2});
  CHECK_FALSE(ts.request_void(sup, terminate_child_atom::value, std::string{"a"}));
  CHECK_FALSE(ts.request_void(sup, delete_child_atom::value, std::string{"a"}));
  CHECK(ids_of(ts, sup) == std::vector<std::string>{"b", "c"});
  auto c = ts.request<caf::actor>(sup, clone_child_atom::value, std::string{"c"},
                                  std::string{"d"});
  REQUIRE(c);
  CHECK(log->back() == "d#1");
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("a temporary group child leaves after its exit and its siblings stay") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.groups.push_back(worker_group({"t1", "t2"}, log, restart_type::temporary));
  auto sup = *spawn_supervisor(ts.sys(), std::move(spec));
  ts.run();
  crash(ts, sup, "t1");
  CHECK(ids_of(ts, sup) == std::vector<std::string>{"t2"});
  CHECK(*log == std::vector<std::string>{"t1#1", "t2#1"});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("spec validation checks group ids against each other and the listed children") {
  auto log = make_log();
  supervisor_spec s;
  s.path = "pool";
  s.children = {worker("x", log)};
  s.groups.push_back(worker_group({"y", "x"}, log));
  CHECK(refusal(s, supervision_errc::duplicate_child_id).find("child id 'x' appears twice")
        != std::string::npos);
  s.groups = {worker_group({"y", "z"}, log), worker_group({"z"}, log)};
  CHECK(refusal(s, supervision_errc::duplicate_child_id).find("child id 'z' appears twice")
        != std::string::npos);
  s.groups = {worker_group({"y", "bad id"}, log)};
  CHECK(refusal(s, supervision_errc::invalid_spec).find("bad id") != std::string::npos);
  auto nostart = worker_group({"n"}, log);
  nostart.spec.start = nullptr;
  s.groups = {nostart};
  CHECK(refusal(s, supervision_errc::invalid_spec).find("missing start function")
        != std::string::npos);
  CHECK(log->empty());
}

TEST_CASE("the events query keeps the last event_capacity events, oldest first") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.flags.intensity = 10;
  spec.groups.push_back(worker_group({"a", "b", "c", "d", "e"}, log));
  supervisor_options opts;
  opts.event_capacity = 3;
  auto sup = *spawn_supervisor(ts.sys(), std::move(spec), opts);
  ts.run();
  auto render = [&] {
    std::vector<std::string> out;
    for (auto& ev : ts.ask<std::vector<supervisor_event>>(sup, events_atom::value))
      out.push_back(std::string{to_string(ev.kind)} + " " + ev.child_id + "#"
                    + std::to_string(ev.incarnation));
    return out;
  };
  CHECK(render()
        == std::vector<std::string>{"child_started c#1", "child_started d#1", "child_started e#1"});
  crash(ts, sup, "a");
  CHECK(render()
        == std::vector<std::string>{"child_started e#1", "child_exited a#1", "child_restarted a#2"});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}
