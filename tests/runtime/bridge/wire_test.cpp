// Wire codes, error replies, deadlines, message ids and trace context.
#include <doctest/doctest.h>

#include <set>

#include <caf/sec.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "smith/bridge/v1/bridge.pb.h"

using namespace smith::bridge;
using namespace std::chrono_literals;

TEST_CASE("every wire code has the numeric status and name of smith.bridge.v1.ErrorCode") {
  for (auto c = uint8_t{1}; c <= static_cast<uint8_t>(wire_code::internal); ++c) {
    auto code = static_cast<wire_code>(c);
    auto status = status_of(code);
    CAPTURE(to_string(code));
    REQUIRE(smith::bridge::v1::ErrorCode_IsValid(status));
    CHECK(smith::bridge::v1::ErrorCode_Name(static_cast<smith::bridge::v1::ErrorCode>(status))
          == "ERROR_CODE_" + wire_name(code));
    CHECK(wire_code_from_status(status) == code);
  }
  CHECK(status_of(wire_code::bad_request) == 400);
  CHECK(status_of(wire_code::unavailable) == 503);
  CHECK_FALSE(wire_code_from_status(0));
  CHECK_FALSE(wire_code_from_status(200));
  CHECK(render_wire_error(static_cast<uint8_t>(wire_code::unknown_agent), caf::atom("smith_wire"),
                          caf::make_message(std::string{"no agent x"}))
        == "unknown_agent: no agent x");
}

TEST_CASE("code_of maps agent, registry and CAF errors to wire codes") {
  CHECK(code_of(caf::error{}) == wire_code::none);
  CHECK(code_of(caf::make_error(wire_code::unknown_type, "x")) == wire_code::unknown_type);
  CHECK(code_of(caf::make_error(smith::agent::agent_errc::overloaded, "full"))
        == wire_code::overloaded);
  CHECK(code_of(smith::agent::agent_errc::draining) == wire_code::unavailable);
  CHECK(code_of(smith::agent::agent_errc::unexpected_message) == wire_code::unknown_action);
  CHECK(code_of(smith::agent::agent_errc::start_failed) == wire_code::internal);
  CHECK(code_of(caf::make_error(smith::registry::registry_errc::unknown_agent, "x"))
        == wire_code::unknown_agent);
  CHECK(code_of(smith::registry::registry_errc::no_candidate) == wire_code::unavailable);
  CHECK(code_of(smith::registry::registry_errc::invalid_name) == wire_code::internal);
  CHECK(code_of(caf::sec::request_timeout) == wire_code::deadline_exceeded);
  CHECK(code_of(caf::sec::request_receiver_down) == wire_code::unavailable);
  CHECK(code_of(caf::sec::runtime_error) == wire_code::internal);
  CHECK(error_text(caf::make_error(smith::agent::agent_errc::overloaded, "mailbox full"))
        == "mailbox full");
}

TEST_CASE("error replies encode code and text in headers and body, and decode back") {
  auto msg = encode_error(wire_code::unknown_agent, "no agent 'x'\r\nin examples", "id-1");
  auto* code = smith::nats::find_header(msg.headers, header::service_error_code);
  auto* text = smith::nats::find_header(msg.headers, header::service_error);
  REQUIRE(code);
  REQUIRE(text);
  CHECK(*code == "404");
  CHECK(*text == "no agent 'x'  in examples");
  CHECK(*smith::nats::find_header(msg.headers, header::type) == "smith.bridge.v1.ErrorReply");
  CHECK(*smith::nats::find_header(msg.headers, header::msg_id) == "id-1");
  smith::bridge::v1::ErrorReply body;
  REQUIRE(body.ParseFromString(msg.body));
  CHECK(body.code() == smith::bridge::v1::ERROR_CODE_UNKNOWN_AGENT);
  CHECK(body.message() == "no agent 'x'\r\nin examples");
  CHECK(body.msg_id() == "id-1");
  auto err = decode_error(msg.headers, msg.body);
  REQUIRE(err);
  CHECK(code_of(*err) == wire_code::unknown_agent);
  CHECK(error_text(*err) == "no agent 'x'\r\nin examples");
  CHECK(status_of(code_of(*decode_error(encode_error(wire_code::none, "?", "").headers, ""))) == 500);
}

TEST_CASE("decode_error falls back to the headers and ignores ordinary replies") {
  CHECK_FALSE(decode_error({{"Smith-Type", "smith.examples.v1.EchoReply"}}, "abc"));
  CHECK_FALSE(decode_error({}, ""));
  auto hdr_only = decode_error({{"Nats-Service-Error", "busy"}, {"Nats-Service-Error-Code", "429"}},
                               "not protobuf");
  REQUIRE(hdr_only);
  CHECK(code_of(*hdr_only) == wire_code::overloaded);
  CHECK(error_text(*hdr_only) == "busy");
  auto foreign = decode_error({{"Nats-Service-Error", "teapot"}, {"Nats-Service-Error-Code", "418"}},
                              "");
  REQUIRE(foreign);
  CHECK(code_of(*foreign) == wire_code::internal);
  CHECK(error_text(*foreign) == "error code 418: teapot");
  auto garbled = decode_error({{"Nats-Service-Error-Code", "4x4"}}, "");
  REQUIRE(garbled);
  CHECK(code_of(*garbled) == wire_code::internal);
  auto typed_bad_body = decode_error({{"Smith-Type", "smith.bridge.v1.ErrorReply"}}, "\xff\xff");
  REQUIRE(typed_bad_body);
  CHECK(code_of(*typed_bad_body) == wire_code::internal);
}

TEST_CASE("deadlines are decimal Unix epoch milliseconds") {
  wall_time t{std::chrono::milliseconds{1700000000123}};
  CHECK(encode_deadline(t) == "1700000000123");
  CHECK(encode_deadline(t + 999us) == "1700000000123");
  CHECK(decode_deadline("1700000000123") == t);
  CHECK(decode_deadline(encode_deadline(t)) == t);
  CHECK(decode_deadline("0") == wall_time{});
  CHECK(encode_deadline(wall_time{} - 5s) == "0");
  for (auto bad : {"", "-1", "+1", " 1", "1 ", "1.5", "abc", "0x10", "1234567890123456",
                   "999999999999999"})
    CHECK_FALSE(decode_deadline(bad));
}

TEST_CASE("message ids are 22 base62 characters and do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_msg_id();
    REQUIRE(id.size() == 22);
    REQUIRE(valid_msg_id(id));
    REQUIRE(seen.insert(id).second);
  }
  CHECK_FALSE(valid_msg_id(""));
  CHECK_FALSE(valid_msg_id("a b"));
  CHECK_FALSE(valid_msg_id(std::string(129, 'a')));
  CHECK(valid_msg_id(std::string(128, 'a')));
}

TEST_CASE("traceparent: new ones are valid, children keep the trace id, malformed are replaced") {
  auto tp = new_traceparent();
  CHECK(valid_traceparent(tp));
  CHECK(tp.size() == 55);
  auto child = child_traceparent(tp);
  CHECK(valid_traceparent(child));
  CHECK(child.substr(0, 35) == tp.substr(0, 35));
  CHECK(child.substr(36, 16) != tp.substr(36, 16));
  CHECK(child.substr(53) == tp.substr(53));
  auto w3c = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  CHECK(valid_traceparent(w3c));
  CHECK(valid_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
  for (auto bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                   "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                   "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                   "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                   "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                   "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
                   "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    CHECK_FALSE(valid_traceparent(bad));
  auto fresh = child_traceparent("garbage");
  CHECK(valid_traceparent(fresh));
}

TEST_CASE("request and reply headers carry what was given and omit what is empty") {
  wall_time t{std::chrono::milliseconds{42}};
  auto hs = request_headers("smith.x.v1.Req", t, "m1", "n/d/a", "");
  CHECK(hs == smith::nats::header_list{{"Smith-Type", "smith.x.v1.Req"}, {"Smith-Deadline", "42"},
                                       {"Smith-Msg-Id", "m1"}, {"Smith-Sender", "n/d/a"}});
  auto rs = reply_headers("smith.x.v1.Resp", "m1", "tp");
  CHECK(rs == smith::nats::header_list{{"Smith-Type", "smith.x.v1.Resp"}, {"Smith-Msg-Id", "m1"},
                                       {"traceparent", "tp"}});
  CHECK(quote(std::string(70, 'a')).size() == 64 + 5);
  CHECK(quote("a\x01") == "'a\\x01'");
}
