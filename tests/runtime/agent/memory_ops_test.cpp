// Memory operations on event-sourced agents: checkpoint, restore (label and seq), wipe, fork;
// each recorded with who and why, each refused with a specific error that changes nothing.
#include <doctest/doctest.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "tests/runtime/agent/ledger_fixture.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;
using persistence::persistence_errc;

namespace {

const std::string who = "ops@example";

void add_all(node_fixture& f, const ledger_handle& h, std::initializer_list<int64_t> xs) {
  for (auto x : xs)
    REQUIRE(f.add(h, x));
}

} // namespace

TEST_CASE("restore to a checkpoint replaces the state durably and both are recorded") {
  node_fixture f;
  auto h = f.spawn_ledger();
  add_all(f, h, {10, 20});
  CHECK(f.control(h, checkpoint_atom::value, std::string{"before-batch"}, who,
                  std::string{"nightly"}) == uint64_t{2});
  add_all(f, h, {1000, 2000});
  CHECK(f.get(h) == 3030);
  auto base = f.control(h, restore_atom::value, std::string{"before-batch"}, who,
                        std::string{"bad batch"});
  REQUIRE(base);
  CHECK(*base == 5); // the restore is the agent's new base, after its 4 events
  CHECK(f.get(h) == 30);
  CHECK(f.add(h, 1) == 31);
  f.crash(h);
  auto again = f.spawn_ledger(); // the restore survives a restart
  CHECK(f.get(again) == 31);
  auto ops = f.binding->store->memory_ops("books/ledger");
  REQUIRE(ops);
  REQUIRE(ops->size() == 2);
  CHECK((*ops)[0].op == "checkpoint");
  CHECK((*ops)[0].target == "before-batch");
  CHECK((*ops)[0].why == "nightly");
  CHECK((*ops)[1].op == "restore");
  CHECK((*ops)[1].who == who);
  CHECK((*ops)[1].why == "bad batch");
  CHECK((*ops)[1].at_ms > 0);
  f.crash(again);
}

TEST_CASE("restore to a sequence number rebuilds the state as it was right after that event") {
  node_fixture f{2}; // snapshots every 2 events: the rebuild starts from one of them
  auto h = f.spawn_ledger();
  add_all(f, h, {1, 2, 3, 4, 5}); // totals 1 3 6 10 15
  REQUIRE(f.control(h, restore_atom::value, uint64_t{3}, who, std::string{"undo"}));
  CHECK(f.get(h) == 6);
  f.crash(h);
  CHECK(f.get(f.spawn_ledger()) == 6);
}

TEST_CASE("wipe clears history and state but keeps the agent's core knowledge") {
  node_fixture f;
  auto h = f.spawn_ledger();
  add_all(f, h, {5, 6});
  REQUIRE(f.add(h, 7, "msg-1"));
  REQUIRE(f.control(h, checkpoint_atom::value, std::string{"keep"}, who, std::string{}));
  REQUIRE(f.control(h, wipe_atom::value, who, std::string{"stuck in a loop"}));
  CHECK(f.get(h) == opening_balance);
  auto evs = f.binding->store->events_since("books/ledger", 0);
  REQUIRE(evs);
  CHECK(evs->size() == 1); // only the wipe's own marker
  CHECK(f.add(h, 1, "msg-1") == opening_balance + 1); // message ids were wiped too
  auto cps = f.binding->store->checkpoints("books/ledger");
  REQUIRE(cps);
  CHECK(cps->size() == 1); // checkpoints survive a wipe
  f.crash(h);
  CHECK(f.get(f.spawn_ledger()) == opening_balance + 1);
}

TEST_CASE("fork writes a copy of the state for a new agent, which starts with it") {
  node_fixture f;
  auto h = f.spawn_ledger();
  add_all(f, h, {40, 2});
  REQUIRE(f.control(h, fork_atom::value, std::string{"ledger-copy"}, who, std::string{"a/b"}));
  auto copy = f.spawn_ledger("ledger-copy");
  CHECK(f.get(copy) == 42);
  CHECK(f.add(copy, 1) == 43);
  CHECK(f.get(h) == 42); // independent from then on
  auto again = f.control(h, fork_atom::value, std::string{"ledger-copy"}, who, std::string{});
  REQUIRE_FALSE(again);
  CHECK(again.error() == persistence_errc::invalid_argument);
  auto bad = f.control(h, fork_atom::value, std::string{"no spaces"}, who, std::string{});
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == agent_errc::invalid_name);
  f.crash(h);
  f.crash(copy);
}

TEST_CASE("memory operations with bad targets fail with specific errors and change nothing") {
  node_fixture f;
  auto h = f.spawn_ledger();
  add_all(f, h, {3});
  auto unknown = f.control(h, restore_atom::value, std::string{"nope"}, who, std::string{});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == persistence_errc::unknown_checkpoint);
  auto beyond = f.control(h, restore_atom::value, uint64_t{9}, who, std::string{});
  REQUIRE_FALSE(beyond);
  CHECK(beyond.error() == persistence_errc::bad_snapshot);
  auto empty = f.control(h, checkpoint_atom::value, std::string{}, who, std::string{});
  REQUIRE_FALSE(empty);
  CHECK(empty.error() == persistence_errc::invalid_argument);
  CHECK(f.get(h) == 3);
  CHECK(f.binding->store->last_seq("books/ledger") == uint64_t{1});
  auto ops = f.binding->store->memory_ops("books/ledger");
  REQUIRE(ops);
  CHECK(ops->empty());
  f.crash(h);
  // An agent without a journal refuses memory operations.
  agent_config c;
  c.id = *make_agent_id("books", "plain", "1.0.0");
  auto plain = spawn_agent<ledger_iface, ledger_state>(*f.sys, c, ledger, ledger_hooks());
  auto refused = f.control(plain, wipe_atom::value, who, std::string{});
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == agent_errc::no_journal);
  f.crash(plain);
}
