// Reconnecting after the server dies and comes back on the same port.
#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

TEST_CASE("a killed and restarted server gives disconnected then reconnected, traffic resumes") {
  smith::test::nats_server server{core_only()};
  collector<conn_event> events; // outlives the connection, which reports `closed` on destruction
  collector<std::string> got;
  auto conn = connect_to(server);
  conn->on_event([&](conn_event ev, const std::string&) { events.add(ev); });
  auto sub = conn->subscribe("t.rc", "", [&](inbound_msg&& m) { got.add(m.data); });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->publish("t.rc", "", {}, "before"));
  REQUIRE(eventually([&] { return got.size() == 1; }));

  server.kill9();
  REQUIRE(eventually([&] { return events.size() >= 1; }));
  CHECK(events.snapshot().front() == conn_event::disconnected);
  CHECK_FALSE(conn->connected());
  // Buffered while disconnected, sent after the reconnect.
  REQUIRE_FALSE(conn->publish("t.rc", "", {}, "during"));

  server.restart();
  REQUIRE(eventually([&] { return conn->connected(); }, std::chrono::milliseconds{4000}));
  REQUIRE(eventually([&] {
    auto evs = events.snapshot();
    return std::find(evs.begin(), evs.end(), conn_event::reconnected) != evs.end();
  }));
  // The subscription was replayed to the new server.
  REQUIRE_FALSE(conn->publish("t.rc", "", {}, "after"));
  REQUIRE(eventually([&] {
    auto msgs = got.snapshot();
    return std::find(msgs.begin(), msgs.end(), "after") != msgs.end();
  }));
  auto msgs = got.snapshot();
  CHECK(std::find(msgs.begin(), msgs.end(), "during") != msgs.end());
  CHECK(conn->statistics().reconnects >= 1);
}

TEST_CASE("a full reconnect buffer makes publish fail with insufficient_buffer") {
  smith::test::nats_server server{core_only()};
  collector<conn_event> events;
  auto opts = options_for(server);
  opts.reconnect_buffer_bytes = 4096;
  opts.reconnect_wait = std::chrono::milliseconds{5000}; // stay disconnected for the test
  auto conn = connection::connect(opts);
  REQUIRE(conn);
  (*conn)->on_event([&](conn_event ev, const std::string&) { events.add(ev); });
  server.kill9();
  REQUIRE(eventually([&] { return events.size() >= 1; }));
  caf::error err;
  for (int i = 0; i < 100 && !err; ++i)
    err = (*conn)->publish("t.buf", "", {}, std::string(512, 'x'));
  CHECK(errc_of(err) == nats_errc::insufficient_buffer);
}
