// Supervisor decisions recorded by the node's event logger survive a restart of the store:
// "why did this agent restart three times" is still answered afterwards.
#include <doctest/doctest.h>

#include "actors/node/event_logger.hpp"
#include "runtime/supervision/decision_journal.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::supervision;
using namespace smith::test;
using namespace std::chrono_literals;

TEST_CASE("supervisor decisions are recorded in the event store and read back after a reopen") {
  temp_dir dir{"smith-decisions"};
  persistence::event_store_options o;
  o.path = dir.str("events");
  auto opened = persistence::event_store::open(o);
  REQUIRE(opened);
  std::shared_ptr<persistence::event_store> store{std::move(*opened)};
  {
    test_system ts;
    supervisor_options opts;
    opts.event_sink = actors::spawn_event_logger(ts.sys(), store);
    supervisor_spec spec;
    spec.path = "root/books";
    spec.flags.intensity = 5;
    spec.flags.period = 5s;
    spec.children = {worker("ledger-1", make_log())};
    auto sup = *spawn_supervisor(ts.sys(), std::move(spec), opts);
    ts.run();
    for (int i = 0; i < 3; ++i) {
      crash(ts, sup, "ledger-1");
      ts.advance(1s);
    }
    CHECK(ts.request<caf::ok_atom>(opts.event_sink, flush_atom::value));
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    ts.run();
  }
  REQUIRE_FALSE(store->close()); // commits every queued decision
  store.reset();
  auto again = persistence::event_store::open(o); // the node restarted
  REQUIRE(again);
  auto decisions = decisions_of(**again, "root/books", "ledger-1");
  REQUIRE(decisions);
  std::vector<event_kind> kinds;
  for (auto& d : *decisions)
    kinds.push_back(d.event.kind);
  auto restarts = std::count(kinds.begin(), kinds.end(), event_kind::child_restarted);
  auto exits = std::count(kinds.begin(), kinds.end(), event_kind::child_exited);
  CHECK(restarts == 3);
  CHECK(exits >= 3); // the 3 crashes (and the stop at shutdown, if recorded as an exit)
  REQUIRE(decisions->size() >= 7);
  CHECK((*decisions)[0].event.kind == event_kind::child_started);
  CHECK((*decisions)[1].event.kind == event_kind::child_exited);
  CHECK((*decisions)[1].event.reason.find("runtime_error") != std::string::npos);
  CHECK((*decisions)[2].event.incarnation == 2);
  CHECK((*decisions)[1].unix_ms > 0);
  for (size_t i = 0; i < decisions->size(); ++i)
    CHECK((*decisions)[i].seq == i + 1);
}
