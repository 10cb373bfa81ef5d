// The NATS connection against a real nats-server: pub/sub, queue groups, request/reply, errors.
#include <algorithm>
#include <atomic>
#include <optional>
#include <stdexcept>

#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

TEST_CASE("a connection reaches the fixture server and reports its url and max payload") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  CHECK(conn->connected());
  CHECK(conn->connected_url() == server.url());
  CHECK(conn->max_payload() == 1024 * 1024);
  auto inbox = conn->new_inbox_prefix();
  CHECK(inbox.starts_with("_INBOX."));
  CHECK(inbox != conn->new_inbox_prefix());
}

TEST_CASE("connecting to a port nobody listens on fails with not_connected") {
  nats_options opts;
  opts.urls = {"nats://127.0.0.1:" + std::to_string(smith::test::free_loopback_port())};
  opts.connect_timeout = 500ms;
  auto conn = connection::connect(opts);
  REQUIRE_FALSE(conn);
  CHECK(errc_of(conn.error()) == nats_errc::not_connected);
  CHECK(text_of(conn.error()).find("connect to nats://127.0.0.1:") != std::string::npos);
}

TEST_CASE("a message with headers and a reply subject arrives with every field") {
  smith::test::nats_server server;
  collector<inbound_msg> got;
  auto conn = connect_to(server);
  auto sub = conn->subscribe("t.hdr.*", "", [&](inbound_msg&& m) { got.add(std::move(m)); });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  header_list hs{{"Smith-Type", "x.v1.Echo"}, {"Multi", "a"}, {"Multi", "b"}};
  REQUIRE_FALSE(conn->publish("t.hdr.one", "reply.here", hs, std::string{"pay\0load", 8}));
  REQUIRE_FALSE(conn->publish("t.hdr.two", "", {}, "plain"));
  REQUIRE(eventually([&] { return got.size() == 2; }));
  auto msgs = got.snapshot();
  CHECK(msgs[0].subject == "t.hdr.one");
  CHECK(msgs[0].reply == "reply.here");
  CHECK(msgs[0].data == std::string{"pay\0load", 8});
  CHECK_FALSE(msgs[0].no_responders);
  REQUIRE(find_header(msgs[0].headers, "Smith-Type") != nullptr);
  CHECK(*find_header(msgs[0].headers, "Smith-Type") == "x.v1.Echo");
  CHECK(std::count_if(msgs[0].headers.begin(), msgs[0].headers.end(),
                      [](auto& kv) { return kv.first == "Multi"; })
        == 2);
  CHECK(msgs[1].subject == "t.hdr.two");
  CHECK(msgs[1].reply.empty());
  CHECK(msgs[1].headers.empty());
  CHECK(msgs[1].data == "plain");
  auto st = conn->statistics();
  CHECK(st.out_msgs >= 2);
  CHECK(st.in_msgs >= 2);
}

TEST_CASE("a queue group hands each message to exactly one member") {
  smith::test::nats_server server;
  std::atomic<int> a{0}, b{0}, c{0};
  auto conn = connect_to(server);
  auto other = connect_to(server, "other");
  auto sa = conn->subscribe("t.q", "workers", [&](inbound_msg&&) { ++a; });
  auto sb = other->subscribe("t.q", "workers", [&](inbound_msg&&) { ++b; });
  auto sc = conn->subscribe("t.q", "", [&](inbound_msg&&) { ++c; }); // not in the group
  REQUIRE((sa && sb && sc));
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(other->flush(2s));
  constexpr int total = 200;
  for (int i = 0; i < total; ++i)
    REQUIRE_FALSE(conn->publish("t.q", "", {}, std::to_string(i)));
  REQUIRE(eventually([&] { return a + b == total && c == total; }));
  CHECK(a > 0);
  CHECK(b > 0);
  REQUIRE_FALSE(conn->flush(2s));
  CHECK(a + b == total);
}

TEST_CASE("request gets the reply, without responders it fails with no_responders") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  auto responder = connect_to(server, "responder");
  auto sub = responder->subscribe("t.echo", "", [&](inbound_msg&& m) {
    responder->publish(m.reply, "", {{"Echoed", "yes"}}, "re:" + m.data);
  });
  REQUIRE(sub);
  REQUIRE_FALSE(responder->flush(2s));
  auto reply = conn->request("t.echo", {}, "hi", 2s);
  REQUIRE(reply);
  CHECK(reply->data == "re:hi");
  CHECK(*find_header(reply->headers, "Echoed") == "yes");
  auto none = conn->request("t.nobody", {}, "hi", 2s);
  REQUIRE_FALSE(none);
  CHECK(errc_of(none.error()) == nats_errc::no_responders);
  CHECK(text_of(none.error()).find("t.nobody") != std::string::npos);
}

TEST_CASE("an inbox subscription sees the server's no-responders status as no_responders") {
  smith::test::nats_server server;
  collector<inbound_msg> got;
  auto conn = connect_to(server);
  auto inbox = conn->new_inbox_prefix();
  auto sub = conn->subscribe(inbox + ".*", "", [&](inbound_msg&& m) { got.add(std::move(m)); });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(conn->publish("t.nobody.home", inbox + ".42", {{"Smith-Msg-Id", "m1"}}, "q"));
  REQUIRE(eventually([&] { return got.size() == 1; }));
  auto m = got.snapshot().front();
  CHECK(m.no_responders);
  CHECK(m.subject == inbox + ".42");
  CHECK(m.data.empty());
}

TEST_CASE("publishing on a closed connection is an error, never silence") {
  smith::test::nats_server server;
  std::atomic<bool> closed{false};
  auto conn = connect_to(server);
  conn->on_event([&](conn_event ev, const std::string&) {
    if (ev == conn_event::closed)
      closed = true;
  });
  conn->close();
  conn->close(); // idempotent
  CHECK_FALSE(conn->connected());
  auto err = conn->publish("t.x", "", {}, "data");
  CHECK(errc_of(err) == nats_errc::connection_closed);
  CHECK(text_of(err).find("'t.x'") != std::string::npos);
  CHECK(errc_of(conn->publish("t.x", "", {{"K", "V"}}, "data")) == nats_errc::connection_closed);
  CHECK(errc_of(conn->flush(100ms)) == nats_errc::connection_closed);
  auto sub = conn->subscribe("t.x", "", [](inbound_msg&&) {});
  CHECK_FALSE(sub);
  CHECK(eventually([&] { return closed.load(); }));
}

TEST_CASE("a payload above the server's max_payload is refused with max_payload") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  std::string big(static_cast<size_t>(conn->max_payload()) + 1, 'x');
  auto err = conn->publish("t.big", "", {}, big);
  CHECK(errc_of(err) == nats_errc::max_payload);
  CHECK(text_of(err).find("'t.big'") != std::string::npos);
  CHECK_FALSE(conn->publish("t.big", "", {}, std::string(1000, 'x')));
  CHECK(conn->connected());
}

TEST_CASE("an invalid subject is refused with invalid_subject") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  CHECK(errc_of(conn->publish("", "", {}, "x")) == nats_errc::invalid_subject);
  auto sub = conn->subscribe("", "", [](inbound_msg&&) {});
  REQUIRE_FALSE(sub);
  CHECK(errc_of(sub.error()) == nats_errc::invalid_subject);
}

TEST_CASE("a throwing callback is reported as an error event and delivery goes on") {
  smith::test::nats_server server;
  collector<std::string> errors;
  std::atomic<int> calls{0};
  auto conn = connect_to(server);
  conn->on_event([&](conn_event ev, const std::string& detail) {
    if (ev == conn_event::error)
      errors.add(detail);
  });
  auto sub = conn->subscribe("t.throw", "", [&](inbound_msg&&) {
    if (++calls == 1)
      throw std::runtime_error("boom");
  });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(conn->publish("t.throw", "", {}, "1"));
  REQUIRE_FALSE(conn->publish("t.throw", "", {}, "2"));
  REQUIRE(eventually([&] { return calls == 2 && errors.size() == 1; }));
  CHECK(errors.snapshot().front().find("boom") != std::string::npos);
}

TEST_CASE("a destroyed subscription delivers nothing more, even destroyed in its own callback") {
  smith::test::nats_server server;
  std::atomic<int> calls{0};
  std::mutex mtx;
  std::optional<subscription> self_sub;
  auto conn = connect_to(server);
  auto sub = conn->subscribe("t.once", "", [&](inbound_msg&&) {
    ++calls;
    std::lock_guard guard{mtx};
    self_sub.reset(); // unsubscribes from inside the callback
  });
  REQUIRE(sub);
  {
    std::lock_guard guard{mtx};
    self_sub.emplace(std::move(*sub));
  }
  REQUIRE_FALSE(conn->flush(2s));
  for (int i = 0; i < 5; ++i)
    REQUIRE_FALSE(conn->publish("t.once", "", {}, "x"));
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE(eventually([&] { std::lock_guard guard{mtx}; return !self_sub.has_value(); }));
  auto seen = calls.load();
  CHECK(seen >= 1);
  REQUIRE_FALSE(conn->publish("t.once", "", {}, "after"));
  REQUIRE_FALSE(conn->flush(2s));
  CHECK(calls == seen);
}

TEST_CASE("a slow consumer drops beyond its pending limit and is reported as an error event") {
  smith::test::nats_server server;
  collector<std::string> errors;
  std::mutex gate;
  std::atomic<int> calls{0};
  auto conn = connect_to(server);
  conn->on_event([&](conn_event ev, const std::string& detail) {
    if (ev == conn_event::error)
      errors.add(detail);
  });
  std::unique_lock hold{gate}; // the callback blocks until the test lets go
  auto sub = conn->subscribe("t.slow", "", [&](inbound_msg&&) {
    std::lock_guard wait_for_test{gate};
    ++calls;
  });
  REQUIRE(sub);
  REQUIRE_FALSE(sub->set_pending_limits(10, 1 << 20));
  REQUIRE_FALSE(conn->flush(2s));
  for (int i = 0; i < 100; ++i)
    REQUIRE_FALSE(conn->publish("t.slow", "", {}, "x"));
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE(eventually([&] { return errors.size() >= 1; }));
  CHECK(errors.snapshot().front().find("t.slow") != std::string::npos);
  CHECK(sub->dropped() > 0);
  hold.unlock();
  REQUIRE(eventually([&] { return calls + sub->dropped() == 100; }));
}

TEST_CASE("a subscription that outlives close() is torn down without waiting") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  auto sub = conn->subscribe("t.late", "", [](inbound_msg&&) {});
  REQUIRE(sub);
  conn->close();
  auto start = std::chrono::steady_clock::now();
  sub->reset();
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK_FALSE(sub->valid());
}

TEST_CASE("publish_fields sends the given headers, reply and bytes, errors like publish") {
  smith::test::nats_server server;
  collector<inbound_msg> got;
  auto conn = connect_to(server);
  auto sub = conn->subscribe("t.fields", "", [&](inbound_msg&& m) { got.add(std::move(m)); });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  connection::header_field fs[] = {{"Smith-Type", "x.v1.Echo"}, {"Multi", "a"}, {"Multi", "b"}};
  REQUIRE_FALSE(conn->publish_fields("t.fields", "reply.here", fs, 3, std::string{"a\0b", 3}));
  REQUIRE_FALSE(conn->publish_fields("t.fields", "", nullptr, 0, "plain"));
  REQUIRE(eventually([&] { return got.size() == 2; }));
  auto msgs = got.snapshot();
  CHECK(msgs[0].reply == "reply.here");
  CHECK(msgs[0].data == std::string{"a\0b", 3});
  REQUIRE(find_header(msgs[0].headers, "Smith-Type") != nullptr);
  CHECK(*find_header(msgs[0].headers, "Smith-Type") == "x.v1.Echo");
  CHECK(std::count_if(msgs[0].headers.begin(), msgs[0].headers.end(),
                      [](auto& kv) { return kv.first == "Multi"; })
        == 2);
  CHECK(msgs[1].reply.empty());
  CHECK(msgs[1].data == "plain");
  CHECK(errc_of(conn->publish_fields("", "", nullptr, 0, "x"))
        == nats_errc::invalid_subject);
  conn->close();
  CHECK(errc_of(conn->publish_fields("t.fields", "", fs, 1, "x")) == nats_errc::connection_closed);
}

TEST_CASE("every listener and the on_event handler see each event, a removed one no more") {
  smith::test::nats_server server;
  std::atomic<int> handler{0}, first{0}, second{0};
  auto conn = connect_to(server);
  conn->on_event([&](conn_event ev, const std::string&) {
    if (ev == conn_event::error)
      ++handler;
  });
  auto id1 = conn->add_listener([&](conn_event ev, const std::string&) {
    if (ev == conn_event::error)
      ++first;
  });
  conn->add_listener([&](conn_event ev, const std::string&) {
    if (ev == conn_event::error) {
      ++second;
      throw std::runtime_error("a throwing listener does not stop the others");
    }
  });
  std::atomic<int> calls{0};
  auto sub = conn->subscribe("t.listen", "", [&](inbound_msg&&) {
    ++calls;
    throw std::runtime_error("boom"); // reported as an error event
  });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(conn->publish("t.listen", "", {}, "1"));
  REQUIRE(eventually([&] { return handler == 1 && first == 1 && second == 1; }));
  conn->remove_listener(id1);
  conn->remove_listener(12345); // unknown: ignored
  REQUIRE_FALSE(conn->publish("t.listen", "", {}, "2"));
  REQUIRE(eventually([&] { return handler == 2 && second == 2; }));
  CHECK(first == 1);
}
