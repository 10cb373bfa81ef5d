// nats_options::delivery_threads grows nats.c's global delivery pool, so that subscriptions
// (whose callbacks may run agents inline) do not all share one delivery thread.
#include <mutex>
#include <optional>
#include <thread>

#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

TEST_CASE("with two delivery threads two subscriptions are delivered on different threads") {
  smith::test::nats_server server;
  auto opts = options_for(server, "pool");
  opts.delivery_threads = 2;
  auto made = connection::connect(opts);
  REQUIRE(made);
  auto conn = std::move(*made);
  std::mutex mtx;
  std::optional<std::thread::id> first, second;
  auto record = [&](std::optional<std::thread::id>& slot) {
    std::lock_guard guard{mtx};
    slot = std::this_thread::get_id();
  };
  auto s1 = conn->subscribe("t.pool.one", "", [&](inbound_msg&&) { record(first); });
  auto s2 = conn->subscribe("t.pool.two", "", [&](inbound_msg&&) { record(second); });
  REQUIRE((s1 && s2));
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(conn->publish("t.pool.one", "", {}, "1"));
  REQUIRE_FALSE(conn->publish("t.pool.two", "", {}, "2"));
  REQUIRE(eventually([&] {
    std::lock_guard guard{mtx};
    return first && second;
  }));
  std::lock_guard guard{mtx};
  CHECK(*first != *second);
  CHECK(*first != std::this_thread::get_id());
}
