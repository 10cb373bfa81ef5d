// Sending replies to NATS requests and decoding the replies to ours.
#pragma once

#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/bridge/bridge_api.hpp"
#include "runtime/nats/connection.hpp"

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace smith::bridge {

/// Publishes `msg` to `reply` as a successful reply (Smith-Type, the request's msg id and
/// traceparent). Errors: those of publish, or payload_too_large above `max_payload`.
caf::error publish_reply(nats::connection& conn, std::string_view reply,
                         const google::protobuf::Message& msg, std::string_view msg_id,
                         std::string_view traceparent, size_t max_payload);

/// Publishes `err` to `reply` as an error reply: its wire code (code_of) and text.
caf::error publish_error(nats::connection& conn, std::string_view reply, const caf::error& err,
                         std::string_view msg_id);

/// `err` as the caller sees it after a trip over the wire: a wire_code error with the
/// text the remote side would send. Local calls use it so both paths answer alike.
caf::error as_wire_error(const caf::error& err);

/// Decodes a reply to one of our requests: an error reply, the no-responders status
/// (unavailable), or a payload of a known type (unknown_type / bad_request otherwise).
caf::expected<wire_payload> decode_reply(const nats::inbound_msg& m);

/// The same for a message borrowed from nats.c (connection::subscribe_view).
caf::expected<wire_payload> decode_reply_view(const nats::inbound_view& m);

} // namespace smith::bridge
