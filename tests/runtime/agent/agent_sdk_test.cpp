// The agent SDK on CAF's test coordinator: bounded mailbox, errors, suspend/resume, drain.
#include <doctest/doctest.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tests/support/test_agents.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

struct sdk_fixture {
  test_system ts;
  calc_actor calc;

  explicit sdk_fixture(size_t capacity = 1024) {
    calc = spawn_agent<calc_iface, calc_state>(ts.sys(), calc_config(capacity), calc_impl);
    ts.run();
  }

  ~sdk_fixture() {
    caf::anon_send_exit(calc, caf::exit_reason::kill);
    ts.run();
  }

  agent_status status() { return ts.ask<agent_status>(calc, status_atom::value); }

  /// Sends an add request without running the system; returns its handle.
  auto add_later(int64_t n) { return ts.self()->request(calc, caf::infinite, add_atom::value, n); }
};

template <class Handle>
caf::expected<int64_t> reply_of(Handle& h) {
  caf::expected<int64_t> out = caf::make_error(caf::sec::request_timeout);
  h.receive([&](int64_t x) { out = x; }, [&](caf::error& err) { out = std::move(err); });
  return out;
}

} // namespace

TEST_CASE("an SDK agent serves typed requests and reports itself active with counters") {
  sdk_fixture f;
  CHECK(f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{5}) == 5);
  CHECK(f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{7}) == 12);
  auto st = f.status();
  CHECK(st.state == lifecycle_state::active);
  CHECK(st.counters.handled == 2);
  CHECK(st.id.name == "calc");
  REQUIRE(st.history.size() == 3);
  CHECK(st.history[0].to == lifecycle_state::registering);
  CHECK(st.history[2].to == lifecycle_state::active);
}

TEST_CASE("a handler exception answers the caller with an error, not a timeout, and ends the agent") {
  sdk_fixture f;
  exit_watch watch{f.ts, f.calc};
  auto res = f.ts.request<int64_t>(f.calc, boom_atom::value);
  REQUIRE_FALSE(res);
  CHECK(res.error() == agent_errc::handler_exception);
  CHECK(f.ts.render(res.error()).find("calculator on fire") != std::string::npos);
  REQUIRE(watch.down());
  CHECK(*watch.reason == agent_errc::handler_exception);
}

TEST_CASE("an unexpected message gets an error reply, is counted, and the agent keeps serving") {
  sdk_fixture f;
  auto untyped = caf::actor_cast<caf::actor>(f.calc);
  auto res = f.ts.request<int64_t>(untyped, unknown_atom::value);
  REQUIRE_FALSE(res);
  CHECK(res.error() == agent_errc::unexpected_message);
  CHECK(f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{1}) == 1);
  auto st = f.status();
  CHECK(st.counters.unexpected == 1);
  CHECK(st.counters.errors == 1);
  CHECK(st.counters.last_error.find("unknown") != std::string::npos);
}

TEST_CASE("a full mailbox refuses requests with overloaded and loses nothing it accepted") {
  sdk_fixture f{3};
  auto h1 = f.add_later(1);
  auto h2 = f.add_later(2);
  auto h3 = f.add_later(3);
  auto h4 = f.add_later(4);
  auto h5 = f.add_later(5);
  auto r4 = reply_of(h4); // answered at once, before the agent ran
  auto r5 = reply_of(h5);
  REQUIRE_FALSE(r4);
  CHECK(r4.error() == agent_errc::overloaded);
  CHECK(r5.error() == agent_errc::overloaded);
  f.ts.run();
  CHECK(reply_of(h1) == 1);
  CHECK(reply_of(h2) == 3);
  CHECK(reply_of(h3) == 6);
  auto st = f.status();
  CHECK(st.counters.rejected_overloaded == 2);
  CHECK(st.counters.handled == 3);
  CHECK(st.counters.mailbox_depth == 0);
  CHECK(f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{10}) == 16);
}

TEST_CASE("control messages pass a full mailbox") {
  sdk_fixture f{1};
  auto h1 = f.add_later(1);
  auto st = f.ts.request<agent_status>(f.calc, status_atom::value);
  REQUIRE(st);
  CHECK(st->counters.mailbox_depth == 0); // status overtook nothing: add ran first (FIFO)
  CHECK(reply_of(h1) == 1);
}

TEST_CASE("suspend holds requests and resume processes them in order") {
  sdk_fixture f;
  REQUIRE(f.ts.request<ok_atom>(f.calc, suspend_atom::value));
  CHECK(f.status().state == lifecycle_state::suspended);
  auto h1 = f.add_later(1);
  auto h2 = f.add_later(2);
  f.ts.run();
  CHECK(f.status().counters.mailbox_depth == 2);
  CHECK(f.status().counters.handled == 0);
  REQUIRE(f.ts.request<ok_atom>(f.calc, resume_atom::value));
  CHECK(reply_of(h1) == 1);
  CHECK(reply_of(h2) == 3);
  CHECK(f.status().state == lifecycle_state::active);
}

TEST_CASE("suspend and resume refuse illegal transitions") {
  sdk_fixture f;
  auto res = f.ts.request<ok_atom>(f.calc, resume_atom::value);
  REQUIRE_FALSE(res);
  CHECK(res.error() == agent_errc::illegal_transition);
  CHECK(f.status().state == lifecycle_state::active);
}

TEST_CASE("drain finishes accepted work, refuses new work with draining, then exits shutdown") {
  sdk_fixture f;
  exit_watch watch{f.ts, f.calc};
  auto h1 = f.add_later(1);
  auto h2 = f.add_later(2);
  auto hd = f.ts.self()->request<caf::message_priority::high>(f.calc, caf::infinite,
                                                              drain_atom::value, uint64_t{0});
  f.ts.sched().run_once(); // the urgent drain request overtakes the adds
  hd.receive([](ok_atom) {}, [](caf::error&) { FAIL("drain refused"); });
  auto h3 = f.add_later(3);
  auto r3 = reply_of(h3);
  REQUIRE_FALSE(r3);
  CHECK(r3.error() == agent_errc::draining);
  f.ts.run();
  CHECK(reply_of(h1) == 1);
  CHECK(reply_of(h2) == 3);
  REQUIRE(watch.down());
  CHECK(is_shutdown(**watch.reason));
}

TEST_CASE("a drain deadline ends the agent and every pending request gets an error") {
  sdk_fixture f;
  exit_watch watch{f.ts, f.calc};
  auto h1 = f.add_later(1);
  auto hd = f.ts.self()->request<caf::message_priority::high>(f.calc, caf::infinite,
                                                              drain_atom::value, uint64_t{100});
  f.ts.sched().run_once();
  hd.receive([](ok_atom) {}, [](caf::error&) { FAIL("drain refused"); });
  f.ts.sched().advance_time(100ms); // the deadline (urgent) is now queued ahead of add
  f.ts.sched().run_once();
  f.ts.run();
  auto r1 = reply_of(h1);
  REQUIRE_FALSE(r1);
  // CAF bounces what is left in a dead actor's mailbox with request_receiver_down.
  CHECK(r1.error() == caf::sec::request_receiver_down);
  REQUIRE(watch.down());
  CHECK(caf::to_string(watch.reason->value().context()).find("drain deadline") != std::string::npos);
}

TEST_CASE("under a supervisor, terminate_child drains an agent gracefully and a crash restarts it") {
  test_system ts;
  supervision::supervisor_spec spec;
  spec.path = "pool";
  spec.children = {agent_child(calc_type(), "tests", "calc-1", {})};
  auto sup = *supervision::spawn_supervisor(ts.sys(), spec);
  ts.run();
  auto calc = caf::actor_cast<calc_actor>(child_of(ts, sup, "calc-1"));
  CHECK(ts.ask<int64_t>(calc, add_atom::value, int64_t{2}) == 2);
  auto first_instance = ts.ask<agent_status>(calc, status_atom::value).id.instance;
  REQUIRE_FALSE(first_instance.empty());
  CHECK_FALSE(ts.request<int64_t>(calc, boom_atom::value));
  auto again = caf::actor_cast<calc_actor>(child_of(ts, sup, "calc-1"));
  REQUIRE(again);
  CHECK(again != calc);
  auto st = ts.ask<agent_status>(again, status_atom::value);
  CHECK(st.counters.restarts == 1);
  CHECK_FALSE(st.id.instance.empty());
  CHECK(st.id.instance != first_instance);
  CHECK_FALSE(ts.request_void(sup, terminate_child_atom::value, std::string{"calc-1"}));
  auto evs = ts.ask<std::vector<supervision::supervisor_event>>(sup, events_atom::value);
  REQUIRE(evs.back().kind == supervision::event_kind::child_terminated);
  CHECK(evs.back().reason.find("shutdown") != std::string::npos);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  ts.run();
}

TEST_CASE("a draining agent refuses suspend and still finishes its drain") {
  sdk_fixture f;
  exit_watch watch{f.ts, f.calc};
  f.ts.request<ok_atom>(f.calc, suspend_atom::value);
  auto h1 = f.add_later(1); // held while suspended
  f.ts.run();
  REQUIRE(f.ts.request<ok_atom>(f.calc, drain_atom::value, uint64_t{0}));
  auto res = f.ts.request<ok_atom>(f.calc, suspend_atom::value);
  if (!watch.down()) {
    REQUIRE_FALSE(res);
    CHECK(res.error() == agent_errc::illegal_transition);
  }
  CHECK(reply_of(h1) == 1);
  CHECK(watch.down());
}
