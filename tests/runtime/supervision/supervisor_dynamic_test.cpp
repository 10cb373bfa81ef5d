// Dynamic children (OTP start_child & co.), backoff, responsiveness and spec validation.
#include <doctest/doctest.h>

#include "runtime/supervision/supervision_errc.hpp"
#include "tests/support/event_recorder.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::supervision;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

struct dyn_fixture {
  test_system ts;
  start_log log = make_log();
  supervisor_actor sup;

  explicit dyn_fixture(supervisor_spec spec = {}) {
    spec.path = "dyn";
    sup = *spawn_supervisor(ts.sys(), std::move(spec));
    ts.run();
  }

  ~dyn_fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    ts.run();
  }

  caf::error error_of(caf::expected<caf::actor> x) { return x ? caf::error{} : x.error(); }

  child_status status(const std::string& id) {
    for (auto& c : ts.ask<std::vector<child_info>>(sup, which_children_atom::value))
      if (c.id == id)
        return c.status;
    FAIL("no child " << id);
    return child_status::undefined;
  }
};

} // namespace

TEST_CASE("start_child starts a child and refuses a second one with the same id") {
  dyn_fixture f;
  auto a = f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  REQUIRE(a);
  CHECK(*a);
  auto again = f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  CHECK(f.error_of(again) == supervision_errc::already_started);
}

TEST_CASE("start_child on a stopped child with the same id answers already_present") {
  dyn_fixture f;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"a"}));
  auto again = f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  CHECK(f.error_of(again) == supervision_errc::already_present);
}

TEST_CASE("restart_child and delete_child follow OTP's error cases") {
  dyn_fixture f;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  auto rs = f.ts.request<caf::actor>(f.sup, restart_child_atom::value, std::string{"a"});
  CHECK(f.error_of(rs) == supervision_errc::running);
  CHECK(f.ts.request_void(f.sup, delete_child_atom::value, std::string{"a"})
        == supervision_errc::running);
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"a"}));
  CHECK(f.status("a") == child_status::undefined);
  CHECK(f.error_of(f.ts.request<caf::actor>(f.sup, get_child_atom::value, std::string{"a"}))
        == supervision_errc::not_running);
  rs = f.ts.request<caf::actor>(f.sup, restart_child_atom::value, std::string{"a"});
  REQUIRE(rs);
  CHECK(f.status("a") == child_status::running);
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"a"}));
  CHECK_FALSE(f.ts.request_void(f.sup, delete_child_atom::value, std::string{"a"}));
  CHECK(f.ts.request_void(f.sup, delete_child_atom::value, std::string{"a"})
        == supervision_errc::not_found);
  CHECK(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"zz"})
        == supervision_errc::not_found);
  rs = f.ts.request<caf::actor>(f.sup, restart_child_atom::value, std::string{"zz"});
  CHECK(f.error_of(rs) == supervision_errc::not_found);
}

TEST_CASE("count_children reports specs, active, supervisors and workers") {
  dyn_fixture f;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("a", f.log));
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker("b", f.log));
  supervisor_spec nested;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, supervisor_child("n", nested));
  f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"b"});
  auto n = f.ts.ask<child_counts>(f.sup, count_children_atom::value);
  CHECK(n.specs == 3);
  CHECK(n.active == 2);
  CHECK(n.supervisors == 1);
  CHECK(n.workers == 2);
}

TEST_CASE("start_child refuses an invalid spec and changes nothing") {
  dyn_fixture f;
  auto bad = worker("has.dot", f.log);
  auto res = f.ts.request<caf::actor>(f.sup, start_child_atom::value, bad);
  CHECK(f.error_of(res) == supervision_errc::invalid_spec);
  CHECK(f.ts.request<child_counts>(f.sup, count_children_atom::value)->specs == 0);
  CHECK(f.log->empty());
}

TEST_CASE("a backoff delays the restart by its initial delay on the virtual clock") {
  supervisor_spec spec;
  spec.flags.intensity = 10;
  dyn_fixture f{spec};
  auto cs = worker("slow", f.log);
  cs.backoff.initial = 1s;
  cs.backoff.max = 8s;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, cs);
  crash(f.ts, f.sup, "slow");
  CHECK(f.status("slow") == child_status::restarting);
  f.ts.advance(999ms);
  CHECK(f.status("slow") == child_status::restarting);
  f.ts.advance(1ms);
  CHECK(f.status("slow") == child_status::running);
  crash(f.ts, f.sup, "slow"); // second consecutive crash: 2 s
  f.ts.advance(1999ms);
  CHECK(f.status("slow") == child_status::restarting);
  f.ts.advance(1ms);
  CHECK(f.status("slow") == child_status::running);
}

TEST_CASE("a supervisor stuck restarting a failing child still answers which_children") {
  supervisor_spec spec;
  spec.flags.intensity = 1000;
  spec.flags.period = 1000s;
  dyn_fixture f{spec};
  auto cs = worker("fails", f.log);
  auto inner = cs.start;
  cs.start = [inner](const start_context& ctx) -> caf::expected<caf::actor> {
    if (ctx.incarnation > 1)
      return caf::make_error(supervision_errc::start_failed, "dependency down");
    return inner(ctx);
  };
  cs.backoff.initial = 100ms;
  cs.backoff.max = 100ms;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, cs);
  crash(f.ts, f.sup, "fails");
  for (int i = 0; i < 5; ++i) {
    CHECK(f.status("fails") == child_status::restarting);
    f.ts.advance(100ms);
  }
  auto evs = f.ts.ask<std::vector<supervisor_event>>(f.sup, events_atom::value);
  size_t failed = 0;
  for (auto& ev : evs)
    failed += ev.kind == event_kind::start_failed ? 1 : 0;
  CHECK(failed >= 4);
}

TEST_CASE("terminate_child cancels a pending delayed restart") {
  supervisor_spec spec;
  spec.flags.intensity = 10;
  dyn_fixture f{spec};
  auto cs = worker("w", f.log);
  cs.backoff.initial = 1s;
  f.ts.request<caf::actor>(f.sup, start_child_atom::value, cs);
  crash(f.ts, f.sup, "w");
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"w"}));
  f.ts.advance(5s);
  CHECK(f.status("w") == child_status::undefined);
}

TEST_CASE("spec validation refuses bad flags and child specs before starting anything") {
  auto log = make_log();
  auto check_refused = [&](supervisor_spec spec, supervision_errc code) {
    test_system ts;
    auto res = spawn_supervisor(ts.sys(), std::move(spec));
    REQUIRE_FALSE(res);
    CHECK(res.error() == code);
    CHECK(log->empty());
  };
  supervisor_spec s;
  s.children = {worker("a", log), worker("a", log)};
  check_refused(s, supervision_errc::duplicate_child_id);
  s.children = {worker("bad id", log)};
  check_refused(s, supervision_errc::invalid_spec);
  auto sig = worker("sig", log);
  sig.significant = true;
  s.children = {sig};
  check_refused(s, supervision_errc::bad_combination); // auto_shutdown never
  s.flags.auto_shutdown_ = auto_shutdown::any_significant;
  check_refused(s, supervision_errc::bad_combination); // permanent + significant
  s = {};
  s.flags.intensity = -1;
  check_refused(s, supervision_errc::invalid_spec);
  s.flags.intensity = 1;
  s.flags.period = 0ms;
  check_refused(s, supervision_errc::invalid_spec);
  s.flags.period = 1s;
  auto nostart = worker("n", log);
  nostart.start = nullptr;
  s.children = {nostart};
  check_refused(s, supervision_errc::invalid_spec);
}

TEST_CASE("sup_flags answers the supervisor's strategy, intensity and period") {
  supervisor_spec spec;
  spec.flags.strategy_ = strategy::rest_for_one;
  spec.flags.intensity = 7;
  spec.flags.period = 1234ms;
  dyn_fixture f{spec};
  auto flags = f.ts.request<supervisor_flags>(f.sup, sup_flags_atom::value);
  REQUIRE(flags);
  CHECK(flags->strategy_ == strategy::rest_for_one);
  CHECK(flags->intensity == 7);
  CHECK(flags->period == 1234ms);
  CHECK(flags->auto_shutdown_ == auto_shutdown::never);
}

TEST_CASE("deleting a middle child keeps the others reachable by id and restarted on a crash") {
  dyn_fixture f;
  for (auto id : {"a", "b", "c", "d"})
    REQUIRE(f.ts.request<caf::actor>(f.sup, start_child_atom::value, worker(id, f.log)));
  CHECK_FALSE(f.ts.request_void(f.sup, terminate_child_atom::value, std::string{"b"}));
  CHECK_FALSE(f.ts.request_void(f.sup, delete_child_atom::value, std::string{"b"}));
  auto d = child_of(f.ts, f.sup, "d");
  REQUIRE(d);
  crash(f.ts, f.sup, "d"); // found by its address after the index moved down
  auto d2 = child_of(f.ts, f.sup, "d");
  REQUIRE(d2);
  CHECK(d2 != d);
  CHECK(incarnations(f.ts, f.sup) == std::vector<uint64_t>{1, 1, 2});
  CHECK(child_of(f.ts, f.sup, "a"));
  CHECK(child_of(f.ts, f.sup, "c"));
  CHECK_FALSE(child_of(f.ts, f.sup, "b"));
}

TEST_CASE("specs sharing a template key keep their own restart types") {
  auto key = std::make_shared<int>(0);
  auto log = make_log();
  supervisor_spec spec;
  for (auto [id, restart] : {std::pair{"p", restart_type::permanent},
                             std::pair{"q", restart_type::permanent},
                             std::pair{"t", restart_type::temporary}}) {
    auto cs = worker(id, log, restart);
    cs.template_key = key;
    spec.children.push_back(std::move(cs));
  }
  dyn_fixture f{std::move(spec)};
  crash(f.ts, f.sup, "q");
  crash(f.ts, f.sup, "t");
  CHECK(incarnations(f.ts, f.sup) == std::vector<uint64_t>{1, 2});
  CHECK(*log == std::vector<std::string>{"p#1", "q#1", "t#1", "q#2"});
}

TEST_CASE("spec validation names the first repeated id in child order, after earlier bad specs") {
  auto log = make_log();
  auto refusal = [&](std::vector<child_spec> children) {
    test_system ts;
    supervisor_spec s;
    s.path = "pool";
    s.children = std::move(children);
    auto res = spawn_supervisor(ts.sys(), std::move(s));
    REQUIRE_FALSE(res);
    return std::make_pair(res.error().code(), ts.render(res.error()));
  };
  auto [code, text] = refusal({worker("x", log), worker("y", log), worker("y", log),
                               worker("x", log)});
  CHECK(code == static_cast<uint8_t>(supervision_errc::duplicate_child_id));
  CHECK(text.find("child id 'y' appears twice") != std::string::npos);
  std::tie(code, text) = refusal({worker("x", log), worker("bad id", log), worker("x", log)});
  CHECK(code == static_cast<uint8_t>(supervision_errc::invalid_spec));
  std::tie(code, text) = refusal({worker("x", log), worker("x", log), worker("bad id", log)});
  CHECK(code == static_cast<uint8_t>(supervision_errc::duplicate_child_id));
  CHECK(log->empty());
}
