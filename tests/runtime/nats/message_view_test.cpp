// Borrowed message views (subscribe_view): the in-place header parse and its fallback.
#include <algorithm>

#include <nats/nats.h>

#include "runtime/nats/internal/message_copy.hpp"
#include "runtime/nats/internal/message_view.hpp"
#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

namespace {

/// The headers of `v` as owned pairs, sorted (nats.c's own API does not keep key order).
header_list view_sorted(const inbound_view& v) {
  header_list out;
  for (auto& [k, val] : *v.headers)
    out.emplace_back(k, val);
  std::sort(out.begin(), out.end());
  return out;
}

header_list view_sorted(header_list hs) {
  std::sort(hs.begin(), hs.end());
  return hs;
}

} // namespace

TEST_CASE("parse_plain_headers reads plain blocks and refuses what only nats.c should parse") {
  header_refs hs;
  CHECK(internal::parse_plain_headers("NATS/1.0\r\nA: 1\r\nB:two  \r\nA: 3\r\n\r\n", hs));
  REQUIRE(hs.size() == 3);
  CHECK(hs[0] == std::pair<std::string_view, std::string_view>{"A", "1"});
  CHECK(hs[1] == std::pair<std::string_view, std::string_view>{"B", "two"});
  CHECK(hs[2].second == "3");
  hs.clear();
  CHECK(internal::parse_plain_headers("NATS/1.0\r\n\r\n", hs));
  CHECK(hs.empty());
  for (std::string_view bad : {"NATS/1.0 503\r\n\r\n",             // a status
                               "NATS/1.0\r\nA: 1\r\n  more\r\n\r\n", // a folded line
                               "NATS/1.0\r\nA 1\r\n\r\n",            // no colon
                               "NATS/1.0\r\nA:\r\n\r\n",             // no value
                               "NATS/1.0\r\n:x\r\n\r\n",             // no key
                               "NATS/1.0\r\nA: 1\r\n",               // no empty line
                               "NATS/1.0\r\nA: 1\r\n\r\nX",          // bytes after it
                               "HTTP/1.0\r\n\r\n"}) {
    hs.clear();
    CHECK_MESSAGE(!internal::parse_plain_headers(bad, hs), bad);
  }
  hs.clear();
  CHECK_FALSE(internal::parse_plain_headers(std::string_view{"NATS/1.0\r\nA: 1\0x\r\n\r\n", 20}, hs));
}

TEST_CASE("a received message is viewed in place with the same fields nats.c's API gives") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  sync_sub sync{*conn, "t.view.*"};
  header_list hs{{"Smith-Type", "x.v1.Echo"}, {"Multi", "a"}, {"Multi", "b"}, {"Trail", "v  "}};
  REQUIRE_FALSE(conn->publish("t.view.one", "reply.here", hs, std::string{"pay\0load", 8}));
  REQUIRE_FALSE(conn->publish("t.view.two", "", {}, ""));
  auto* m = sync.next();
  header_refs refs;
  inbound_view v;
  // This libnats (3.4) keeps the header block in place: the fast path must be taken.
  CHECK(internal::view_message(m, refs, v));
  auto fast = view_sorted(v);
  auto copy = internal::copy_message(m); // lifts the headers through nats.c's API
  CHECK(v.subject == copy.subject);
  CHECK(v.reply == "reply.here");
  CHECK(v.data == std::string{"pay\0load", 8});
  CHECK_FALSE(v.no_responders);
  CHECK(fast == view_sorted(copy.headers));
  // nats.c parsed the block in place (NULs written into it): the view falls back to its API.
  header_refs again;
  inbound_view w;
  CHECK_FALSE(internal::view_message(m, again, w));
  CHECK(view_sorted(w) == view_sorted(copy.headers));
  CHECK(w.data == v.data);
  natsMsg_Destroy(m);
  auto* plain = sync.next();
  CHECK(internal::view_message(plain, refs, v));
  CHECK(v.subject == "t.view.two");
  CHECK(v.reply.empty());
  CHECK(v.headers->empty());
  CHECK(v.data.empty());
  natsMsg_Destroy(plain);
}

TEST_CASE("subscribe_view delivers every field, and the no-responders status") {
  smith::test::nats_server server;
  collector<inbound_msg> got;
  auto conn = connect_to(server);
  auto inbox = conn->new_inbox_prefix();
  auto sub = conn->subscribe_view(inbox + ".*", "",
                                  [&](const inbound_view& m) { got.add(m.to_msg()); });
  REQUIRE(sub);
  REQUIRE_FALSE(conn->flush(2s));
  REQUIRE_FALSE(conn->publish(inbox + ".1", "r", {{"Smith-Msg-Id", "m1"}}, "x"));
  REQUIRE_FALSE(conn->publish("t.nobody.home", inbox + ".42", {{"Smith-Msg-Id", "m2"}}, "q"));
  REQUIRE(eventually([&] { return got.size() == 2; }));
  auto msgs = got.snapshot();
  CHECK(msgs[0].subject == inbox + ".1");
  CHECK(msgs[0].reply == "r");
  CHECK(msgs[0].data == "x");
  CHECK_FALSE(msgs[0].no_responders);
  REQUIRE(find_header(msgs[0].headers, "Smith-Msg-Id") != nullptr);
  CHECK(*find_header(msgs[0].headers, "Smith-Msg-Id") == "m1");
  CHECK(msgs[1].no_responders);
  CHECK(msgs[1].subject == inbox + ".42");
  CHECK(msgs[1].data.empty());
}
