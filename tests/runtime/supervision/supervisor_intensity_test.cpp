// Restart intensity, escalation through nested supervisors, failed starts.
#include <doctest/doctest.h>

#include "runtime/supervision/supervision_errc.hpp"
#include "tests/support/event_recorder.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::supervision;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

supervisor_spec three_children(strategy s, start_log log, int intensity) {
  supervisor_spec spec;
  spec.path = "sup";
  spec.flags.strategy_ = s;
  spec.flags.intensity = intensity;
  spec.flags.period = 5s;
  spec.children = {worker("c1", log), worker("c2", log), worker("c3", log)};
  return spec;
}

} // namespace

TEST_CASE("intensity 3 in 5 s: restarts 1-3 happen, the 4th crash stops the rest in reverse order "
          "and the supervisor exits shutdown") {
  test_system ts;
  auto log = make_log();
  auto evs = std::make_shared<std::vector<supervisor_event>>();
  supervisor_options opts;
  opts.event_sink = spawn_event_recorder(ts.sys(), evs);
  auto sup = *spawn_supervisor(ts.sys(), three_children(strategy::one_for_one, log, 3), opts);
  ts.run();
  exit_watch watch{ts, sup};
  for (uint64_t i = 1; i <= 3; ++i) {
    crash(ts, sup, "c2");
    ts.advance(1s);
    CHECK(incarnations(ts, sup) == std::vector<uint64_t>{1, i + 1, 1});
  }
  CHECK_FALSE(watch.down());
  crash(ts, sup, "c2");
  REQUIRE(watch.down());
  CHECK(*watch.reason == caf::exit_reason::user_shutdown);
  CHECK(ids_of(evs, event_kind::child_terminated) == std::vector<std::string>{"c3", "c1"});
  CHECK(count_of(evs, event_kind::gave_up) == 1);
  CHECK(count_of(evs, event_kind::escalated) == 1);
  CHECK(evs->back().kind == event_kind::escalated);
}

TEST_CASE("crashes spaced just outside the period never escalate") {
  test_system ts;
  auto log = make_log();
  auto sup = *spawn_supervisor(ts.sys(), three_children(strategy::one_for_one, log, 3));
  ts.run();
  exit_watch watch{ts, sup};
  for (int i = 0; i < 12; ++i) {
    crash(ts, sup, "c2");
    ts.advance(1667ms); // 3 restarts per 5001 ms: each window holds at most 3
  }
  CHECK_FALSE(watch.down());
  CHECK(incarnations(ts, sup) == std::vector<uint64_t>{1, 13, 1});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
  CHECK(watch.down());
}

TEST_CASE("four crashes inside one period escalate even when spread over it") {
  test_system ts;
  auto log = make_log();
  auto sup = *spawn_supervisor(ts.sys(), three_children(strategy::one_for_one, log, 3));
  ts.run();
  exit_watch watch{ts, sup};
  for (int i = 0; i < 4; ++i) {
    crash(ts, sup, "c2");
    ts.advance(1666ms); // 4 crashes within 4998 ms
  }
  CHECK(watch.down());
}

TEST_CASE("three nested supervisors of intensity 3 give up after OTP's count of leaf restarts "
          "and the root exits shutdown") {
  // OTP 25 reference (tests/runtime/supervision/otp_reference/nested.erl): the
  // leaf crashes 64 times; its own supervisor restarts it 48 times (3 per
  // incarnation of that supervisor, which itself has 4 incarnations per
  // incarnation of the middle one, which has 4 under the root).
  test_system ts;
  auto log = make_log();
  auto evs = std::make_shared<std::vector<supervisor_event>>();
  supervisor_options opts;
  opts.event_sink = spawn_event_recorder(ts.sys(), evs);
  auto level = [](std::string path, std::vector<child_spec> kids) {
    supervisor_spec s;
    s.path = std::move(path);
    s.flags.intensity = 3;
    s.flags.period = 5s;
    s.children = std::move(kids);
    return s;
  };
  auto s3 = level("s3", {worker("leaf", log)});
  auto s2 = level("s2", {supervisor_child("s3", s3, opts)});
  auto root = *spawn_supervisor(ts.sys(), level("root", {supervisor_child("s2", s2, opts)}), opts);
  ts.run();
  exit_watch watch{ts, root};
  int crashes = 0;
  while (!watch.down() && crashes < 1000) {
    auto mid = child_of(ts, root, "s2");
    auto low = mid ? child_of(ts, mid, "s3") : caf::actor{};
    REQUIRE(low);
    crash(ts, low, "leaf");
    ++crashes;
  }
  CHECK(crashes == 64);
  CHECK(log->size() == 64);
  CHECK(count_of(evs, event_kind::child_restarted, "leaf") == 48);
  CHECK(count_of(evs, event_kind::child_restarted, "s3") == 12);
  CHECK(count_of(evs, event_kind::child_restarted, "s2") == 3);
  CHECK(*watch.reason == caf::exit_reason::user_shutdown);
}

TEST_CASE("an exception in start is a failed start that consumes intensity without a tight loop") {
  test_system ts;
  auto log = make_log();
  auto evs = std::make_shared<std::vector<supervisor_event>>();
  supervisor_options opts;
  opts.event_sink = spawn_event_recorder(ts.sys(), evs);
  supervisor_spec spec;
  spec.path = "sup";
  spec.flags.intensity = 2;
  auto flaky = worker("flaky", log);
  auto inner = flaky.start;
  flaky.start = [inner](const start_context& ctx) -> caf::expected<caf::actor> {
    if (ctx.incarnation > 1)
      throw std::runtime_error("database unreachable");
    return inner(ctx);
  };
  spec.children = {flaky};
  auto sup = *spawn_supervisor(ts.sys(), spec, opts);
  ts.run();
  exit_watch watch{ts, sup};
  crash(ts, sup, "flaky");
  CHECK(watch.down());
  CHECK(count_of(evs, event_kind::start_failed, "flaky") == 2);
  REQUIRE(count_of(evs, event_kind::start_failed) >= 1);
  for (auto& ev : *evs)
    if (ev.kind == event_kind::start_failed)
      CHECK(ev.reason.find("database unreachable") != std::string::npos);
}

TEST_CASE("a supervisor whose initial start fails stops the started children and exits start_failed") {
  test_system ts;
  auto log = make_log();
  supervisor_spec spec;
  spec.path = "sup";
  auto bad = worker("bad", log);
  bad.start = [](const start_context&) -> caf::expected<caf::actor> {
    return caf::make_error(supervision_errc::start_failed, "no config");
  };
  spec.children = {worker("ok1", log), bad, worker("never", log)};
  auto sup = *spawn_supervisor(ts.sys(), spec);
  exit_watch watch{ts, sup};
  ts.run();
  REQUIRE(watch.down());
  CHECK(*watch.reason == supervision_errc::start_failed);
  CHECK(*log == std::vector<std::string>{"ok1#1"});
}
