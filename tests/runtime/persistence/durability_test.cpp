// event_store durability promises (acked events survive SIGKILL) and the bounded queue.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>

#include "runtime/persistence/event_store.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/process.hpp"

using namespace smith::persistence;

// Child side of the kill test: only active when the parent sets the environment.
TEST_CASE("persist child writer") {
  auto* path = std::getenv("SMITH_PERSIST_CHILD_DB");
  auto* mode_text = std::getenv("SMITH_PERSIST_CHILD_MODE");
  if (path == nullptr || mode_text == nullptr)
    return;
  auto mode = parse_durability_mode(mode_text);
  REQUIRE(mode);
  event_store_options opts;
  opts.path = path;
  auto st = event_store::open(opts);
  REQUIRE(st);
  for (uint64_t i = 1;; ++i) {
    // append() rather than "m" + to_string(i): GCC 12 warns falsely (-Wstringop-overflow) on
    // `literal + std::string&&` at -O3.
    auto n = std::to_string(i);
    auto a = (*st)->persist("dom/victim", std::string{"m"}.append(n), std::string{"e"}.append(n),
                            *mode);
    REQUIRE(a);
    std::fprintf(stderr, "acked %llu\n", static_cast<unsigned long long>(a->seq));
    std::fflush(stderr);
  }
}

namespace {

uint64_t acked_in(const std::vector<std::string>& lines) {
  uint64_t best = 0;
  for (auto& l : lines)
    if (l.rfind("acked ", 0) == 0)
      best = std::max<uint64_t>(best, std::stoull(l.substr(6)));
  return best;
}

void kill_after_acks(const std::string& mode) {
  smith::test::temp_dir dir{"smith-persist"};
  uint64_t acked = 0;
  {
    smith::test::child_process child{
      {"/bin/sh", "-c",
       "SMITH_PERSIST_CHILD_DB='" + dir.str("db") + "' SMITH_PERSIST_CHILD_MODE=" + mode + " exec '"
         + smith::test::bin_path("test_persistence") + "' -tc='persist child writer'"}};
    REQUIRE_MESSAGE(child.wait_for_line([](const std::string& l) { return l == "acked 30"; },
                                        std::chrono::seconds{60}),
                    child.output());
    child.signal(SIGKILL);
    CHECK(child.wait_exit(std::chrono::seconds{30}) == 128 + SIGKILL);
    acked = acked_in(child.lines());
  }
  REQUIRE(acked >= 30);
  event_store_options opts;
  opts.path = dir.str("db");
  auto st = event_store::open(opts);
  REQUIRE(st);
  auto evs = (*st)->events_since("dom/victim", 0);
  REQUIRE(evs);
  REQUIRE(evs->size() >= acked); // every acked event is there, in order, without gaps
  for (size_t i = 0; i < evs->size(); ++i) {
    CHECK((*evs)[i].seq == i + 1);
    CHECK((*evs)[i].payload == std::string{"e"}.append(std::to_string(i + 1)));
  }
}

} // namespace

TEST_CASE("event_store group mode: acked events survive SIGKILL of the writer process") {
  kill_after_acks("group");
}

TEST_CASE("event_store sync mode: acked events survive SIGKILL of the writer process") {
  kill_after_acks("sync");
}

TEST_CASE("event_store none mode: acked events survive SIGKILL (WAL in the page cache)") {
  // none promises process-crash durability only; a power loss may lose acked events.
  kill_after_acks("none");
}

TEST_CASE("event_store refuses appends explicitly when the commit queue is full") {
  smith::test::temp_dir dir{"smith-persist"};
  event_store_options opts;
  opts.path = dir.str("db");
  opts.queue_capacity = 1;
  opts.max_batch = 1;
  auto st = event_store::open(opts);
  REQUIRE(st);
  std::promise<void> entered;
  std::promise<void> release;
  auto release_f = release.get_future().share();
  // The first completion holds the commit thread, so the queue cannot drain.
  REQUIRE_FALSE((*st)->append("dom/a", "", "1", durability_mode::group,
                              [&](caf::expected<append_ack> a) {
                                CHECK(a);
                                entered.set_value();
                                release_f.wait();
                              }));
  entered.get_future().wait();
  std::promise<caf::expected<append_ack>> second;
  REQUIRE_FALSE((*st)->append("dom/a", "", "2", durability_mode::group,
                              [&](caf::expected<append_ack> a) { second.set_value(a); }));
  auto refused = (*st)->append("dom/a", "", "3", durability_mode::group,
                               [](caf::expected<append_ack>) { FAIL("refused append acked"); });
  CHECK(refused == persistence_errc::queue_full);
  release.set_value();
  auto a2 = second.get_future().get();
  REQUIRE(a2);
  CHECK(a2->seq == 2);
  CHECK((*st)->last_seq("dom/a") == uint64_t{2});
}
