// Event-sourced SDK agents on a real event store: persist-then-apply, recovery after a crash
// and after the node process is killed, snapshots, idempotency, damaged storage.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

#include "runtime/storage/storage_errc.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tests/runtime/agent/ledger_fixture.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;
using namespace std::chrono_literals;


TEST_CASE("a persisted event is durable before it is applied and the reply sees it") {
  node_fixture f;
  auto h = f.spawn_ledger();
  CHECK(f.add(h, 5) == 5);
  CHECK(f.add(h, 7) == 12);
  auto evs = f.binding->store->events_since("books/ledger", 0);
  REQUIRE(evs);
  REQUIRE(evs->size() == 2);
  CHECK((*evs)[0].payload == "5");
  CHECK((*evs)[1].payload == "7");
  f.crash(h);
}

TEST_CASE("commands sent while a persist is pending wait for it and see its event") {
  node_fixture f;
  auto h = f.spawn_ledger();
  caf::scoped_actor self{*f.sys};
  // Both go out before either is answered: the get must be held until the add is applied.
  auto add = self->request(h, 10s, ledger_add_atom::value, int64_t{4}, std::string{});
  auto get = self->request(h, 10s, ledger_get_atom::value);
  int64_t added = -1;
  int64_t seen = -1;
  add.receive([&](int64_t x) { added = x; }, [](caf::error&) {});
  get.receive([&](int64_t x) { seen = x; }, [](caf::error&) {});
  CHECK(added == 4);
  CHECK(seen == 4);
  f.crash(h);
}

TEST_CASE("an agent killed and started again recovers every persisted event") {
  node_fixture f;
  auto h = f.spawn_ledger();
  for (int i = 1; i <= 10; ++i)
    REQUIRE(f.add(h, i));
  f.crash(h);
  auto again = f.spawn_ledger();
  CHECK(f.get(again) == 55);
  CHECK(f.add(again, 45) == 100);
  f.crash(again);
}

TEST_CASE("recovery starts from the latest snapshot and applies only the later events") {
  node_fixture f{3};
  auto h = f.spawn_ledger();
  for (int i = 1; i <= 7; ++i)
    REQUIRE(f.add(h, 10));
  // The snapshot due at seq 6 was queued before event 7: committed before 7 was acked.
  auto snap = f.binding->store->latest_snapshot("books/ledger");
  REQUIRE(snap);
  REQUIRE(*snap);
  CHECK((*snap)->seq == 6);
  CHECK((*snap)->state == "60");
  f.crash(h);
  auto again = f.spawn_ledger();
  CHECK(f.get(again) == 70);
  caf::scoped_actor self{*f.sys};
  f.crash(again);
}

TEST_CASE("a redelivered message id is acknowledged once and applied once") {
  node_fixture f;
  auto h = f.spawn_ledger();
  CHECK(f.add(h, 5, "order-1") == 5);
  CHECK(f.add(h, 5, "order-1") == 5); // the redelivery: same answer, no second event
  CHECK(f.add(h, 1, "order-2") == 6);
  auto last = f.binding->store->last_seq("books/ledger");
  CHECK(last == uint64_t{2});
  f.crash(h);
}

namespace {

/// Writes 200 ledger events, moves them into an SST and damages a data block of it; the node
/// is open again on the damaged store when this returns.
void damage_ledger_journal(node_fixture& f) {
  auto h = f.spawn_ledger();
  for (int i = 0; i < 200; ++i)
    REQUIRE(f.add(h, 1));
  f.crash(h);
  // Reopening replays the WAL into an SST; then damage a data block of it. close(): the dead
  // agent's memory may still hold the binding.
  REQUIRE_FALSE(f.binding->store->close());
  f.open();
  REQUIRE_FALSE(f.binding->store->close());
  namespace fs = std::filesystem;
  fs::path sst;
  for (auto& e : fs::directory_iterator{f.dir.str("events")})
    if (e.path().extension() == ".sst" && (sst.empty() || e.file_size() > fs::file_size(sst)))
      sst = e.path();
  REQUIRE(!sst.empty());
  {
    std::fstream file{sst, std::ios::in | std::ios::out | std::ios::binary};
    file.seekp(static_cast<std::streamoff>(fs::file_size(sst) / 4));
    file.put('\x7f');
  }
  f.open();
}

} // namespace

TEST_CASE("an agent whose journal is damaged fails to start instead of running on bad state") {
  node_fixture f;
  damage_ledger_journal(f);
  auto broken = f.spawn_ledger();
  caf::scoped_actor self{*f.sys};
  self->monitor(broken);
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; });
  CHECK(reason == storage::storage_errc::corruption);
}

TEST_CASE("a supervised agent whose journal is damaged escalates instead of restarting forever") {
  node_fixture f;
  damage_ledger_journal(f);
  auto starts = std::make_shared<std::atomic<int>>(0);
  supervision::supervisor_spec spec;
  spec.path = "books";
  spec.flags.intensity = 2;
  supervision::child_spec child;
  child.id = "ledger";
  child.start = [&f, starts](const supervision::start_context&) -> caf::expected<caf::actor> {
    ++*starts;
    return caf::actor_cast<caf::actor>(f.spawn_ledger());
  };
  spec.children = {child};
  auto sup = supervision::spawn_supervisor(*f.sys, spec);
  REQUIRE(sup);
  caf::scoped_actor self{*f.sys};
  self->monitor(*sup);
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                caf::after(20s) >> [] { FAIL("the supervisor kept running"); });
  // The supervisor gives up (intensity 2: the first start and two restarts each met the
  // damaged journal), which escalates to its parent, instead of a running ledger.
  CHECK(reason);
  CHECK(supervision::describe_reason(*f.sys, reason).find("reached_max_restart_intensity")
        != std::string::npos);
  CHECK(starts->load() == 3);
}

TEST_CASE("acked events survive kill -9 of the node process and come back in a new one") {
  smith::test::temp_dir dir{"smith-journal-node"};
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) { // the first node: acks adds of 1 until killed
    ::close(fds[0]);
    ledger_node child{dir.str("events")};
    auto h = child.spawn_ledger();
    for (;;) {
      auto total = child.add(h, 1);
      if (!total || ::write(fds[1], &*total, sizeof(int64_t)) != sizeof(int64_t))
        _exit(4);
    }
  }
  ::close(fds[1]);
  int64_t acked = 0;
  int64_t x = 0;
  while (acked < 50 && ::read(fds[0], &x, sizeof x) == sizeof x)
    acked = x;
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  while (::read(fds[0], &x, sizeof x) == sizeof x)
    acked = x;
  ::close(fds[0]);
  REQUIRE(acked >= 50);
  // The second node: a new process-level store and actor system on the same directory.
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  persistence::event_store_options o;
  o.path = dir.str("events");
  auto st = persistence::event_store::open(o);
  REQUIRE(st);
  auto binding = std::make_shared<journal_binding>();
  binding->store = std::shared_ptr<persistence::event_store>{std::move(*st)};
  agent_config c;
  c.id = *make_agent_id("books", "ledger", "1.0.0");
  c.journal = binding;
  auto h = spawn_agent<ledger_iface, ledger_state>(sys, c, ledger, ledger_hooks());
  caf::scoped_actor self{sys};
  int64_t total = -1;
  self->request(h, 10s, ledger_get_atom::value).receive([&](int64_t v) { total = v; },
                                                         [](caf::error&) {});
  CHECK(total >= acked); // every acked add is back (one more may have been durable, unacked)
  self->send_exit(h, caf::exit_reason::kill);
}

TEST_CASE("an event-sourced agent's lifecycle transitions are recorded across incarnations") {
  node_fixture f;
  auto h = f.spawn_ledger();
  REQUIRE(f.add(h, 1));
  f.crash(h);
  auto again = f.spawn_ledger();
  CHECK(f.get(again) == 1);
  f.crash(again);
  // The terminated transition is recorded on exit; close() commits what is queued.
  REQUIRE_FALSE(f.binding->store->close());
  f.open();
  auto history = recorded_lifecycle(*f.binding->store, "books/ledger");
  REQUIRE(history);
  std::vector<lifecycle_state> to;
  for (auto& t : *history)
    to.push_back(t.to);
  using ls = lifecycle_state;
  CHECK(to == std::vector<ls>{ls::registering, ls::registered, ls::active, ls::terminated,
                              ls::registering, ls::registered, ls::active, ls::terminated});
  CHECK(history->front().at_ns > 0);
  CHECK(history->back().reason.find("kill") != std::string::npos);
}
