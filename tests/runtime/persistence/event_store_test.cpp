// event_store: append/read/order, snapshots + recovery, idempotency, bad input, reopen.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/event_store.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith::persistence;

namespace {

std::unique_ptr<event_store> open_store(const std::string& path, uint64_t snapshot_every = 0) {
  event_store_options opts;
  opts.path = path;
  opts.snapshot_every = snapshot_every;
  auto st = event_store::open(opts);
  REQUIRE(st);
  return std::move(*st);
}

} // namespace

TEST_CASE("event_store appends get consecutive seqs per agent and read back in order") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  for (int i = 1; i <= 5; ++i) {
    auto a = st->persist("dom/a", "", std::string{"a"}.append(std::to_string(i)));
    REQUIRE(a);
    CHECK(a->seq == static_cast<uint64_t>(i));
    CHECK_FALSE(a->duplicate);
  }
  auto b = st->persist("dom/ab", "", "b1"); // "dom/a" is a byte prefix of "dom/ab"
  REQUIRE(b);
  CHECK(b->seq == 1);
  auto all = st->events_since("dom/a", 0);
  REQUIRE(all);
  REQUIRE(all->size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK((*all)[i].seq == i + 1);
    CHECK((*all)[i].payload == std::string{"a"}.append(std::to_string(i + 1)));
  }
  auto tail = st->events_since("dom/a", 3);
  REQUIRE(tail);
  REQUIRE(tail->size() == 2);
  CHECK(tail->front().seq == 4);
  CHECK(st->last_seq("dom/a") == uint64_t{5});
  CHECK(st->last_seq("dom/ab") == uint64_t{1});
  CHECK(st->last_seq("dom/none") == uint64_t{0});
  auto none = st->events_since("dom/none", 0);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("event_store keeps binary payloads and keys intact") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  std::string payload{"\0\xff\x01zz", 5};
  std::string agent{"d/\xff\0x", 5};
  REQUIRE(st->persist(agent, "", payload));
  auto evs = st->events_since(agent, 0);
  REQUIRE(evs);
  REQUIRE(evs->size() == 1);
  CHECK(evs->front().payload == payload);
}

TEST_CASE("event_store redelivered message id is applied once") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  auto first = st->persist("dom/a", "m1", "x");
  REQUIRE(first);
  REQUIRE(st->persist("dom/a", "m2", "y"));
  auto again = st->persist("dom/a", "m1", "x-redelivered");
  REQUIRE(again);
  CHECK(again->duplicate);
  CHECK(again->seq == first->seq);
  // Message ids are per agent.
  auto other = st->persist("dom/b", "m1", "z");
  REQUIRE(other);
  CHECK_FALSE(other->duplicate);
  auto evs = st->events_since("dom/a", 0);
  REQUIRE(evs);
  REQUIRE(evs->size() == 2);
  CHECK(evs->front().payload == "x");
}

TEST_CASE("event_store dedups a message id twice in the same batch") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  std::mutex mtx;
  std::vector<append_ack> acks;
  std::condition_variable cv;
  auto done = [&](caf::expected<append_ack> a) {
    REQUIRE(a);
    std::lock_guard<std::mutex> g{mtx};
    acks.push_back(*a);
    cv.notify_all();
  };
  for (int i = 0; i < 50; ++i)
    REQUIRE_FALSE(st->append("dom/a", "same", "p", durability_mode::group, done));
  std::unique_lock<std::mutex> g{mtx};
  REQUIRE(cv.wait_for(g, std::chrono::seconds{30}, [&] { return acks.size() == 50; }));
  size_t fresh = 0;
  for (auto& a : acks) {
    CHECK(a.seq == 1);
    fresh += a.duplicate ? 0 : 1;
  }
  CHECK(fresh == 1);
  CHECK(st->last_seq("dom/a") == uint64_t{1});
}

TEST_CASE("event_store snapshots: due every N, recovery is latest snapshot + later events") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"), 3);
  std::vector<uint64_t> due;
  for (int i = 1; i <= 7; ++i) {
    auto a = st->persist("dom/a", "", std::string{"e"}.append(std::to_string(i)));
    REQUIRE(a);
    if (a->snapshot_due) {
      due.push_back(a->seq);
      REQUIRE_FALSE(st->save_snapshot("dom/a", a->seq, std::string{"state@"}.append(std::to_string(a->seq))));
    }
  }
  CHECK(due == std::vector<uint64_t>{3, 6});
  auto rec = st->recover("dom/a");
  REQUIRE(rec);
  REQUIRE(rec->snap);
  CHECK(rec->snap->seq == 6);
  CHECK(rec->snap->state == "state@6");
  REQUIRE(rec->events.size() == 1);
  CHECK(rec->events.front().seq == 7);
  CHECK(rec->last_seq == 7);
  // On demand, at the last event: nothing left to replay.
  REQUIRE_FALSE(st->save_snapshot("dom/a", 7, "state@7"));
  rec = st->recover("dom/a");
  REQUIRE(rec);
  CHECK(rec->snap->seq == 7);
  CHECK(rec->events.empty());
  CHECK(rec->last_seq == 7);
  auto none = st->recover("dom/b");
  REQUIRE(none);
  CHECK_FALSE(none->snap);
  CHECK(none->last_seq == 0);
}

TEST_CASE("event_store refuses a snapshot beyond the last event") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  CHECK(st->save_snapshot("dom/a", 1, "s") == persistence_errc::bad_snapshot);
  REQUIRE(st->persist("dom/a", "", "e"));
  CHECK(st->save_snapshot("dom/a", 0, "s") == persistence_errc::bad_snapshot);
  CHECK(st->save_snapshot("dom/a", 2, "s") == persistence_errc::bad_snapshot);
  CHECK_FALSE(st->save_snapshot("dom/a", 1, "s"));
}

TEST_CASE("event_store rejects bad input and loses nothing") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  auto noop = [](caf::expected<append_ack>) {};
  CHECK(st->append("", "", "p", durability_mode::group, noop) == persistence_errc::invalid_argument);
  CHECK(st->append(std::string(max_agent_key + 1, 'a'), "", "p", durability_mode::group, noop)
        == persistence_errc::invalid_argument);
  CHECK(st->append("dom/a", std::string(max_msg_id + 1, 'm'), "p", durability_mode::group, noop)
        == persistence_errc::invalid_argument);
  CHECK(st->append("dom/a", "", "p", durability_mode::group, nullptr)
        == persistence_errc::invalid_argument);
  CHECK(st->events_since("", 0).error() == persistence_errc::invalid_argument);
  CHECK(st->recover("").error() == persistence_errc::invalid_argument);
  CHECK(st->save_snapshot("", 1, "s") == persistence_errc::invalid_argument);
  CHECK(st->last_seq("dom/a") == uint64_t{0});
  CHECK(event_store::open({}).error() == persistence_errc::invalid_argument);
  CHECK(parse_durability_mode("group") == durability_mode::group);
  CHECK_FALSE(parse_durability_mode("fast"));
}

TEST_CASE("event_store reopen continues the sequence and keeps dedup and snapshots") {
  smith::test::temp_dir dir{"smith-persist"};
  {
    auto st = open_store(dir.str("db"));
    REQUIRE(st->persist("dom/a", "m1", "e1"));
    REQUIRE(st->persist("dom/a", "m2", "e2"));
    REQUIRE_FALSE(st->save_snapshot("dom/a", 2, "s2"));
    REQUIRE_FALSE(st->close());
    CHECK(st->persist("dom/a", "", "late").error() == persistence_errc::closed);
  }
  auto st = open_store(dir.str("db"));
  auto dup = st->persist("dom/a", "m1", "e1");
  REQUIRE(dup);
  CHECK(dup->duplicate);
  CHECK(dup->seq == 1);
  auto next = st->persist("dom/a", "m3", "e3");
  REQUIRE(next);
  CHECK(next->seq == 3);
  auto rec = st->recover("dom/a");
  REQUIRE(rec);
  REQUIRE(rec->snap);
  CHECK(rec->snap->state == "s2");
  REQUIRE(rec->events.size() == 1);
  CHECK(rec->events.front().payload == "e3");
}

TEST_CASE("event_store refuses a second open of the same database") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  event_store_options opts;
  opts.path = dir.str("db");
  auto second = event_store::open(opts);
  CHECK_FALSE(second);
}

TEST_CASE("event_store compaction: a snapshot deletes the history it covers, the sequence continues") {
  smith::test::temp_dir dir{"smith-persist"};
  event_store_options opts;
  opts.path = dir.str("db");
  opts.snapshot_every = 0;
  opts.compact = true;
  auto st = event_store::open(opts);
  REQUIRE(st);
  auto& s = **st;
  for (int i = 1; i <= 10; ++i)
    REQUIRE(s.persist("dom/a", "", std::string{"a"}.append(std::to_string(i))));
  for (int i = 1; i <= 3; ++i)
    REQUIRE(s.persist("dom/b", "", std::string{"b"}.append(std::to_string(i))));
  REQUIRE_FALSE(s.save_snapshot("dom/a", 4, "s4"));
  REQUIRE_FALSE(s.save_snapshot("dom/a", 8, "s8"));
  auto kept = s.events_since("dom/a", 0);
  REQUIRE(kept);
  REQUIRE(kept->size() == 3); // event 8 stays: it carries the agent's sequence
  CHECK(kept->front().seq == 8);
  CHECK(kept->back().payload == "a10");
  auto before = s.recover_to("dom/a", 5);
  REQUIRE_FALSE(before);
  CHECK(before.error() == persistence_errc::bad_snapshot);
  auto at9 = s.recover_to("dom/a", 9);
  REQUIRE(at9);
  CHECK(at9->snap->state == "s8");
  REQUIRE(at9->events.size() == 1);
  CHECK(at9->events.front().payload == "a9");
  auto other = s.events_since("dom/b", 0);
  REQUIRE(other);
  CHECK(other->size() == 3); // another agent's log is untouched
  REQUIRE_FALSE(s.close());
  st = event_store::open(opts);
  REQUIRE(st);
  auto next = (*st)->persist("dom/a", "", "a11");
  REQUIRE(next);
  CHECK(next->seq == 11);
  auto rec = (*st)->recover("dom/a");
  REQUIRE(rec);
  CHECK(rec->snap->seq == 8);
  REQUIRE(rec->events.size() == 3);
  CHECK(rec->events.front().seq == 9);
  CHECK(rec->last_seq == 11);
}

TEST_CASE("event_store without compaction keeps every event and snapshot") {
  smith::test::temp_dir dir{"smith-persist"};
  auto st = open_store(dir.str("db"));
  for (int i = 1; i <= 5; ++i)
    REQUIRE(st->persist("dom/a", "", std::string{"a"}.append(std::to_string(i))));
  REQUIRE_FALSE(st->save_snapshot("dom/a", 4, "s4"));
  auto all = st->events_since("dom/a", 0);
  REQUIRE(all);
  CHECK(all->size() == 5);
  auto early = st->recover_to("dom/a", 2);
  REQUIRE(early);
  CHECK(early->events.size() == 2);
}
