// Outbound messages with a header block encoded by Smith (internal::make_encoded_message).
#include <algorithm>

#include <nats/nats.h>

#include "runtime/nats/internal/encoded_message.hpp"
#include "runtime/nats/internal/message_copy.hpp"
#include "runtime/nats/internal/message_view.hpp"
#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

TEST_CASE("a header block is encoded in field order, CR and LF in values become spaces") {
  connection::header_field fs[] = {{"B-Key", "two words"}, {"A-Key", "x\r\nEvil: 1"}};
  std::string block;
  internal::append_header_block(block, fs, 2);
  CHECK(block == "NATS/1.0\r\nB-Key: two words\r\nA-Key: x  Evil: 1\r\n\r\n");
  // The block is what the receiving side parses in place.
  header_refs hs;
  REQUIRE(internal::parse_plain_headers(block, hs));
  REQUIRE(hs.size() == 2);
  CHECK(hs[0].first == "B-Key");
  CHECK(hs[1].second == "x  Evil: 1");
}

TEST_CASE("an encoded message arrives with the block as sent and the fields nats.c's API gives") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  sync_sub sync{*conn, "t.enc"};
  connection::header_field fs[] = {{"Smith-Type", "x.v1.Echo"}, {"Multi", "a"}, {"Multi", "b"}};
  natsMsg* out = nullptr;
  REQUIRE(internal::make_encoded_message(&out, "t.enc", "reply.here", fs, 3,
                                         std::string_view{"pay\0load", 8})
          == NATS_OK);
  // This libnats (3.4) is the release the constructor was read from: the fast path is taken.
  REQUIRE(out != nullptr);
  REQUIRE(natsConnection_PublishMsg(conn->raw(), out) == NATS_OK);
  natsMsg_Destroy(out);
  auto* m = sync.next();
  std::string sent;
  internal::append_header_block(sent, fs, 3);
  auto block = internal::raw_header_block(m, natsMsg_GetSubject(m), natsMsg_GetReply(m),
                                          {natsMsg_GetData(m), 8});
  REQUIRE(block);
  CHECK(*block == sent);
  auto copy = internal::copy_message(m); // nats.c's own parse of the block
  CHECK(copy.subject == "t.enc");
  CHECK(copy.reply == "reply.here");
  CHECK(copy.data == std::string{"pay\0load", 8});
  std::sort(copy.headers.begin(), copy.headers.end());
  CHECK(copy.headers == header_list{{"Multi", "a"}, {"Multi", "b"}, {"Smith-Type", "x.v1.Echo"}});
  natsMsg_Destroy(m);
}

TEST_CASE("a header key that would break the block is refused, publish_fields says so") {
  natsMsg* out = nullptr;
  for (const char* key : {"", "Has Space", "Co:lon", "Ctl\x01"}) {
    connection::header_field f{key, "v"};
    CHECK(internal::make_encoded_message(&out, "t.bad", "", &f, 1, "x") == NATS_INVALID_ARG);
    CHECK(out == nullptr);
  }
  smith::test::nats_server server;
  auto conn = connect_to(server);
  connection::header_field f{"Bad Key", "v"};
  CHECK(conn->publish_fields("t.bad", "", &f, 1, "x"));
  CHECK(conn->publish("t.bad", "", header_list{{"Bad Key", "v"}}, "x"));
}
