// Inline dispatch: actors woken from a foreign thread run on it, within a budget; the rest,
// and anything CAF hands the unit from other threads, goes to the CAF scheduler.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "runtime/core/inline_executor.hpp"
#include "runtime/core/system_setup.hpp"
#include "tests/support/eventually.hpp"

using namespace std::chrono_literals;

namespace {

using smith::core::inline_dispatch;
using smith::core::inline_options;
using smith::test::eventually;

struct inline_test_config : caf::actor_system_config {
  explicit inline_test_config(
    size_t throughput = 300,
    smith::config::scheduler_policy policy = smith::config::scheduler_policy::sharing) {
    smith::configure_actor_system(*this);
    smith::configure_scheduler(*this, policy, 2);
    set("scheduler.max-throughput", throughput);
  }
};

/// The threads that handled each message, in order.
struct inline_seen {
  std::mutex mtx;
  std::vector<std::thread::id> threads;
  void add() {
    std::lock_guard guard{mtx};
    threads.push_back(std::this_thread::get_id());
  }
  size_t size() {
    std::lock_guard guard{mtx};
    return threads.size();
  }
  std::vector<std::thread::id> copy() {
    std::lock_guard guard{mtx};
    return threads;
  }
};

/// Records its thread per int; forwards n-1 to `next` while n > 0.
caf::behavior inline_hop(caf::event_based_actor* self, std::shared_ptr<inline_seen> seen,
                         caf::actor next) {
  return {[=](int n) {
    seen->add();
    if (n > 0 && next)
      self->send(next, n - 1);
  }};
}

/// Whether `a` is idle: its mailbox blocked, so the next message wakes it.
bool inline_idle(const caf::actor& a) {
  auto* p = caf::actor_cast<caf::abstract_actor*>(a);
  return static_cast<caf::scheduled_actor*>(p)->mailbox().blocked();
}

/// Posts `n` to `a` from the calling thread, as the bridge does, with the inline unit.
void inline_post(const caf::actor& a, int n) {
  a->enqueue(nullptr, caf::make_message_id(), caf::make_message(n), smith::core::inline_unit());
}

/// Runs `f` on a fresh thread (a stand-in for a NATS delivery thread); returns its id.
template <class F>
std::thread::id inline_on_thread(F f) {
  std::thread::id id;
  std::thread t{[&] {
    id = std::this_thread::get_id();
    f();
  }};
  t.join();
  return id;
}

} // namespace

TEST_CASE("an idle actor posted through the inline unit runs on the posting thread") {
  inline_test_config cfg;
  caf::actor_system sys{cfg};
  auto seen = std::make_shared<inline_seen>();
  auto a = sys.spawn(inline_hop, seen, caf::actor{});
  REQUIRE(eventually([&] { return inline_idle(a); }));
  auto before = smith::core::inline_dispatch_stats();
  caf::execution_unit* unit_inside = nullptr;
  auto tid = inline_on_thread([&] {
    inline_dispatch scope{sys, inline_options{}};
    CHECK(scope.active());
    unit_inside = smith::core::inline_unit();
    inline_post(a, 0);
    CHECK(seen->size() == 0); // not before the scope ends
  });
  CHECK(unit_inside != nullptr);
  CHECK(smith::core::inline_unit() == nullptr); // only on the dispatching thread
  REQUIRE(seen->size() == 1);
  CHECK(seen->copy()[0] == tid);
  CHECK(smith::core::inline_dispatch_stats().ran == before.ran + 1);
}

TEST_CASE("with inline dispatch off the posted actor runs on a CAF worker") {
  inline_test_config cfg;
  caf::actor_system sys{cfg};
  auto seen = std::make_shared<inline_seen>();
  auto a = sys.spawn(inline_hop, seen, caf::actor{});
  REQUIRE(eventually([&] { return inline_idle(a); }));
  inline_options off;
  off.enabled = false;
  auto tid = inline_on_thread([&] {
    inline_dispatch scope{sys, off};
    CHECK_FALSE(scope.active());
    CHECK(smith::core::inline_unit() == nullptr);
    inline_post(a, 0);
  });
  REQUIRE(eventually([&] { return seen->size() == 1; }));
  CHECK(seen->copy()[0] != tid);
}

TEST_CASE("a chain of sends runs inline up to the job budget and the rest on the scheduler") {
  // Both policies: the hand-off must work with Smith's affinity scheduler (smithd's
  // default) as with CAF's sharing.
  auto policy = smith::config::scheduler_policy::sharing;
  SUBCASE("sharing") { policy = smith::config::scheduler_policy::sharing; }
  SUBCASE("affinity") { policy = smith::config::scheduler_policy::affinity; }
  inline_test_config cfg{300, policy};
  caf::actor_system sys{cfg};
  auto seen = std::make_shared<inline_seen>();
  constexpr int hops = 10;
  std::vector<caf::actor> chain(hops);
  for (int i = hops - 1; i >= 0; --i)
    chain[i] = sys.spawn(inline_hop, seen, i + 1 < hops ? chain[i + 1] : caf::actor{});
  for (auto& a : chain)
    REQUIRE(eventually([&] { return inline_idle(a); }));
  inline_options opts;
  opts.max_jobs = 4;
  auto before = smith::core::inline_dispatch_stats();
  auto tid = inline_on_thread([&] {
    inline_dispatch scope{sys, opts};
    inline_post(chain[0], hops - 1);
  });
  REQUIRE(eventually([&] { return seen->size() == hops; }));
  auto threads = seen->copy();
  for (int i = 0; i < hops; ++i) {
    CAPTURE(i);
    if (i < 4)
      CHECK(threads[i] == tid);
    else
      CHECK(threads[i] != tid);
  }
  auto after = smith::core::inline_dispatch_stats();
  CHECK(after.ran == before.ran + 4);
  CHECK(after.handed_off == before.handed_off + 1);
}

TEST_CASE("an actor whose throughput is spent inline continues on the scheduler") {
  inline_test_config cfg{2};
  caf::actor_system sys{cfg};
  REQUIRE(sys.scheduler().max_throughput() == 2);
  auto seen = std::make_shared<inline_seen>();
  auto a = sys.spawn(inline_hop, seen, caf::actor{});
  REQUIRE(eventually([&] { return inline_idle(a); }));
  auto before = smith::core::inline_dispatch_stats();
  auto tid = inline_on_thread([&] {
    inline_dispatch scope{sys, inline_options{}};
    for (int i = 0; i < 5; ++i)
      inline_post(a, 0);
  });
  REQUIRE(eventually([&] { return seen->size() == 5; }));
  auto threads = seen->copy();
  CHECK(threads[0] == tid);
  CHECK(threads[1] == tid);
  for (size_t i = 2; i < threads.size(); ++i)
    CHECK(threads[i] != tid);
  CHECK(smith::core::inline_dispatch_stats().handed_off == before.handed_off + 1);
}

TEST_CASE("an actor that is already scheduled is not run by the inline dispatch") {
  inline_test_config cfg;
  caf::actor_system sys{cfg};
  auto seen = std::make_shared<inline_seen>();
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<bool> busy{false};
  // An argument besides self: CAF 0.17 spawns zero-argument function actors incorrectly.
  auto a = sys.spawn(
    [=, &busy](caf::event_based_actor*, int) -> caf::behavior {
      return {[=, &busy](int n) {
        if (n == 1) {
          busy = true;
          gate.wait(); // keeps the actor running (its mailbox is not blocked)
        }
        seen->add();
      }};
    },
    0);
  caf::anon_send(a, 1);
  REQUIRE(eventually([&] { return busy.load(); }));
  auto before = smith::core::inline_dispatch_stats();
  auto tid = inline_on_thread([&] {
    inline_dispatch scope{sys, inline_options{}};
    inline_post(a, 2);
  });
  CHECK(smith::core::inline_dispatch_stats().ran == before.ran); // nothing ran inline
  release.set_value();
  REQUIRE(eventually([&] { return seen->size() == 2; }));
  for (auto& t : seen->copy())
    CHECK(t != tid);
}

TEST_CASE("a response promise delivered from another thread after an inline run is scheduled") {
  // The promise's actor last ran on the inline unit: CAF hands the woken requester to that
  // unit from the delivering thread, which must schedule it, not queue it for a dead dispatch.
  inline_test_config cfg;
  caf::actor_system sys{cfg};
  auto stash = std::make_shared<std::promise<caf::response_promise>>();
  auto server = sys.spawn(
    [stash](caf::event_based_actor* self, int) -> caf::behavior {
      return {[=](int) -> caf::result<int> {
        auto rp = self->make_response_promise<int>();
        stash->set_value(rp);
        return rp;
      }};
    },
    0);
  auto got = std::make_shared<std::promise<std::thread::id>>();
  auto client = sys.spawn(
    [server, got](caf::event_based_actor* self, int) -> caf::behavior {
      return {[=](caf::atom_value) {
        self->request(server, caf::infinite, 7).then([=](int) {
          got->set_value(std::this_thread::get_id());
        });
      }};
    },
    0);
  REQUIRE(eventually([&] { return inline_idle(server); }));
  REQUIRE(eventually([&] { return inline_idle(client); }));
  inline_on_thread([&] {
    inline_dispatch scope{sys, inline_options{}};
    client->enqueue(nullptr, caf::make_message_id(), caf::make_message(caf::atom("go")),
                    smith::core::inline_unit());
  });
  auto rp_future = stash->get_future();
  REQUIRE(rp_future.wait_for(5s) == std::future_status::ready);
  auto rp = rp_future.get();
  auto deliverer = inline_on_thread([&] { rp.deliver(42); });
  auto got_future = got->get_future();
  REQUIRE(got_future.wait_for(5s) == std::future_status::ready);
  CHECK(got_future.get() != deliverer);
}

TEST_CASE("a job holding the dispatching thread past the threshold is reported while it runs") {
  inline_test_config cfg;
  caf::actor_system sys{cfg};
  std::promise<void> release;
  auto gate = release.get_future().share();
  auto a = sys.spawn(
    [gate](caf::event_based_actor*, int) -> caf::behavior { return {[=](int) { gate.wait(); }}; },
    0);
  REQUIRE(eventually([&] { return inline_idle(a); }));
  inline_options opts;
  opts.block_warn = 20ms;
  auto before = smith::core::inline_dispatch_stats();
  std::thread t{[&] {
    inline_dispatch scope{sys, opts};
    inline_post(a, 0);
  }};
  // Reported by the checker thread while the handler still blocks (it never returns
  // before the report is seen).
  bool reported = eventually(
    [&] { return smith::core::inline_dispatch_stats().blocked > before.blocked; }, 5s);
  release.set_value();
  t.join();
  CHECK(reported);
  // The runner does not report the same run again when it returns.
  CHECK(smith::core::inline_dispatch_stats().blocked == before.blocked + 1);
}
