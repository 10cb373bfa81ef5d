// validate_inbound: each check, its code, and the order of the checks.
#include <doctest/doctest.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include "runtime/bridge/inbound.hpp"
#include "smith/bridge/v1/bridge.pb.h"

using namespace smith::bridge;
using namespace std::chrono_literals;
using smith::nats::header_list;

namespace {

const wall_time now{std::chrono::milliseconds{1700000000000}};
const std::string subject = "agents.examples.echo-1.echo";
const std::string inbox = "_INBOX.client.abc";

std::string sync_request(const std::string& requester) {
  smith::bridge::v1::SyncRequest m;
  m.set_requester(requester);
  return m.SerializeAsString();
}

header_list request(std::string_view type = "smith.bridge.v1.SyncRequest") {
  return request_headers(type, now + 5s, "", "", "");
}

wire_code refused(const caf::expected<inbound_request>& r) {
  REQUIRE_FALSE(r);
  return code_of(r.error());
}

std::string why(const caf::expected<inbound_request>& r) {
  REQUIRE_FALSE(r);
  return error_text(r.error());
}

bool has_part(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a valid request yields its target, typed payload and headers") {
  auto hs = request_headers("smith.bridge.v1.SyncRequest", now + 5s, "m-1", "n1/ex/a",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto r = validate_inbound(subject, inbox, hs, sync_request("me"), {}, now);
  REQUIRE(r);
  CHECK(r->target.domain == "examples");
  CHECK(r->target.name == "echo-1");
  CHECK(r->target.action == "echo");
  CHECK(r->reply == inbox);
  CHECK(r->type == smith::bridge::v1::SyncRequest::descriptor());
  auto* payload = dynamic_cast<smith::bridge::v1::SyncRequest*>(r->payload.get());
  REQUIRE(payload);
  CHECK(payload->requester() == "me");
  CHECK(r->deadline == now + 5s);
  CHECK(r->msg_id == "m-1");
  CHECK(r->sender == "n1/ex/a");
  CHECK(r->traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  CHECK_FALSE(r->trace_replaced);
}

TEST_CASE("a missing message id and a malformed traceparent are generated, not rejected") {
  auto hs = request();
  hs.emplace_back("traceparent", "not-a-trace");
  auto r = validate_inbound(subject, inbox, hs, "", {}, now);
  REQUIRE(r);
  CHECK(valid_msg_id(r->msg_id));
  CHECK(r->msg_id.size() == 22);
  CHECK(valid_traceparent(r->traceparent));
  CHECK(r->trace_replaced); // the bridge warns about it (once per sender)
  auto none = validate_inbound(subject, inbox, request(), "", {}, now);
  REQUIRE(none);
  CHECK(valid_traceparent(none->traceparent));
  CHECK_FALSE(none->trace_replaced); // absent is not malformed
}

TEST_CASE("one-way messages need no deadline, well-known protobuf types are known") {
  google::protobuf::Timestamp ts;
  ts.set_seconds(12);
  auto r = validate_inbound("agents.examples._all.tick", "",
                            {{"Smith-Type", "google.protobuf.Timestamp"}}, ts.SerializeAsString(),
                            {}, now);
  REQUIRE(r);
  CHECK(r->target.kind == target_kind::broadcast);
  CHECK_FALSE(r->deadline);
  CHECK(dynamic_cast<google::protobuf::Timestamp&>(*r->payload).seconds() == 12);
}

TEST_CASE("1: a malformed subject is bad_request") {
  auto r = validate_inbound("agents.examples._x.echo", inbox, request(), "", {}, now);
  CHECK(refused(r) == wire_code::bad_request);
  CHECK(has_part(why(r), "agent name '_x'"));
}

TEST_CASE("2: a payload above the limit is payload_too_large (413)") {
  inbound_limits small{10};
  auto r = validate_inbound(subject, inbox, request(), std::string(11, 'x'), small, now);
  CHECK(refused(r) == wire_code::payload_too_large);
  CHECK(status_of(refused(r)) == 413);
  CHECK(has_part(why(r), "11 bytes exceeds the limit of 10"));
  CHECK(validate_inbound(subject, inbox, request(), sync_request("abcdefgh"), small, now));
  auto big = validate_inbound(subject, inbox, request(), std::string(512 * 1024 + 1, '\0'), {}, now);
  CHECK(refused(big) == wire_code::payload_too_large);
}

TEST_CASE("3: a missing or unknown Smith-Type is unknown_type") {
  auto r = validate_inbound(subject, inbox, {{"Smith-Deadline", "1700000005000"}}, "", {}, now);
  CHECK(refused(r) == wire_code::unknown_type);
  CHECK(has_part(why(r), "Smith-Type is missing"));
  auto u = validate_inbound(subject, inbox, request("smith.nope.v1.Nothing"), "", {}, now);
  CHECK(refused(u) == wire_code::unknown_type);
  CHECK(has_part(why(u), "'smith.nope.v1.Nothing'"));
  CHECK(refused(validate_inbound(subject, inbox, request("smith.bridge.v1.ErrorCode"), "", {}, now))
        == wire_code::unknown_type);
}

TEST_CASE("4: a request without a parsable Smith-Deadline is missing_deadline") {
  auto none = validate_inbound(subject, inbox, {{"Smith-Type", "smith.bridge.v1.SyncRequest"}}, "",
                               {}, now);
  CHECK(refused(none) == wire_code::missing_deadline);
  CHECK(has_part(why(none), "no Smith-Deadline"));
  for (auto bad : {"", "soon", "-5", "1700000005000.5"}) {
    header_list hs{{"Smith-Type", "smith.bridge.v1.SyncRequest"}, {"Smith-Deadline", bad}};
    CHECK(refused(validate_inbound(subject, inbox, hs, "", {}, now)) == wire_code::missing_deadline);
    CHECK(refused(validate_inbound(subject, "", hs, "", {}, now)) == wire_code::missing_deadline);
  }
}

TEST_CASE("5: a deadline at or before arrival is deadline_exceeded") {
  auto hs = request_headers("smith.bridge.v1.SyncRequest", now - 250ms, "", "", "");
  auto r = validate_inbound(subject, inbox, hs, "", {}, now);
  CHECK(refused(r) == wire_code::deadline_exceeded);
  CHECK(has_part(why(r), "250 ms before arrival"));
  auto at = request_headers("smith.bridge.v1.SyncRequest", now, "", "", "");
  CHECK(refused(validate_inbound(subject, inbox, at, "", {}, now)) == wire_code::deadline_exceeded);
  auto later = request_headers("smith.bridge.v1.SyncRequest", now + 1ms, "", "", "");
  CHECK(validate_inbound(subject, inbox, later, "", {}, now));
}

TEST_CASE("6: a malformed Smith-Msg-Id is bad_request") {
  auto hs = request_headers("smith.bridge.v1.SyncRequest", now + 1s, "has space", "", "");
  auto r = validate_inbound(subject, inbox, hs, "", {}, now);
  CHECK(refused(r) == wire_code::bad_request);
  CHECK(has_part(why(r), "Smith-Msg-Id 'has space'"));
}

TEST_CASE("7: a payload that is not the type is bad_request") {
  auto garbage = validate_inbound(subject, inbox, request(), "\xff\xff\xff", {}, now);
  CHECK(refused(garbage) == wire_code::bad_request);
  CHECK(has_part(why(garbage), "not a valid smith.bridge.v1.SyncRequest"));
  // Field 1 (string) holding the byte 0xff: invalid UTF-8.
  CHECK(refused(validate_inbound(subject, inbox, request(), std::string{"\x0a\x01\xff"}, {}, now))
        == wire_code::bad_request);
  // Truncated: length 5, one byte present.
  CHECK(refused(validate_inbound(subject, inbox, request(), std::string{"\x0a\x05x"}, {}, now))
        == wire_code::bad_request);
}

TEST_CASE("7: fields the type does not define are refused, at any depth, naming the number") {
  // Field 5, varint 1: not in SyncRequest.
  auto top = validate_inbound(subject, inbox, request(), std::string{"\x28\x01"}, {}, now);
  CHECK(refused(top) == wire_code::bad_request);
  CHECK(has_part(why(top), "field number 5 in payload"));
  // NodeHeartbeat.digest (field 7) holding field 9: unknown inside the sub-message.
  auto nested = validate_inbound(subject, inbox, request("smith.bridge.v1.NodeHeartbeat"),
                                 std::string{"\x3a\x02\x48\x01"}, {}, now);
  CHECK(refused(nested) == wire_code::bad_request);
  CHECK(has_part(why(nested), "field number 9 in payload.digest"));
  // The same digest without the unknown field is fine.
  CHECK(validate_inbound(subject, inbox, request("smith.bridge.v1.NodeHeartbeat"),
                         std::string{"\x3a\x02\x08\x01"}, {}, now));
}

TEST_CASE("the checks run in the documented order") {
  inbound_limits small{1};
  header_list no_type{};
  header_list no_deadline{{"Smith-Type", "smith.bridge.v1.SyncRequest"}};
  CHECK(refused(validate_inbound("bad", inbox, no_type, "xx", small, now)) == wire_code::bad_request);
  CHECK(refused(validate_inbound(subject, inbox, no_type, "xx", small, now))
        == wire_code::payload_too_large);
  CHECK(refused(validate_inbound(subject, inbox, no_type, "\xff", {}, now)) == wire_code::unknown_type);
  CHECK(refused(validate_inbound(subject, inbox, no_deadline, "\xff", {}, now))
        == wire_code::missing_deadline);
  auto past = request_headers("smith.bridge.v1.SyncRequest", now - 1s, "bad id", "", "");
  CHECK(refused(validate_inbound(subject, inbox, past, "\xff", {}, now))
        == wire_code::deadline_exceeded);
}

TEST_CASE("validate_inbound_view applies the same checks to a borrowed message") {
  auto hs = request_headers("smith.bridge.v1.SyncRequest", now + 5s, "m-1", "n1/ex/a",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  smith::nats::header_refs refs;
  for (auto& [k, v] : hs)
    refs.emplace_back(k, v);
  auto body = sync_request("me");
  smith::nats::inbound_view view{subject, inbox, &refs, body, false};
  auto r = validate_inbound_view(view, {}, now);
  REQUIRE(r);
  CHECK(r->target.name == "echo-1");
  CHECK(r->msg_id == "m-1");
  CHECK(r->sender == "n1/ex/a");
  CHECK(r->deadline == now + 5s);
  CHECK(dynamic_cast<smith::bridge::v1::SyncRequest*>(r->payload.get())->requester() == "me");
  // The type is remembered per thread: a different type must still be looked up.
  refs[0].second = "smith.bridge.v1.NodeHeartbeat";
  auto other = validate_inbound_view(view, {}, now);
  REQUIRE(other);
  CHECK(other->type == smith::bridge::v1::NodeHeartbeat::descriptor());
  refs[0].second = "smith.nope.v1.Nothing";
  CHECK(refused(validate_inbound_view(view, {}, now)) == wire_code::unknown_type);
  smith::nats::inbound_view bare{subject, inbox, nullptr, body, false};
  CHECK(refused(validate_inbound_view(bare, {}, now)) == wire_code::unknown_type);
  std::string garbage = "\xff\xff\xff";
  refs[0].second = "smith.bridge.v1.SyncRequest";
  smith::nats::inbound_view bad{subject, inbox, &refs, garbage, false};
  CHECK(refused(validate_inbound_view(bad, {}, now)) == wire_code::bad_request);
}
