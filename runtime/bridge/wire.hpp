// Wire conventions of the NATS bridge: header names, deadlines, trace context, message ids,
// error replies (contracts/README.md, "NATS wire").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <caf/error.hpp>

#include "runtime/bridge/wire_code.hpp"
#include "runtime/nats/header_list.hpp"
#include "runtime/nats/inbound_view.hpp"

namespace smith::bridge {

/// Header names (NATS header keys are case-sensitive; these are the exact spellings).
namespace header {
/// Full protobuf name of the payload.
inline constexpr std::string_view type = "Smith-Type";
/// Absolute deadline, Unix epoch milliseconds, decimal.
inline constexpr std::string_view deadline = "Smith-Deadline";
/// Unique message id; replies echo the request's.
inline constexpr std::string_view msg_id = "Smith-Msg-Id";
/// Sender: `{node}/{domain}/{name}` for agents, free text for clients.
inline constexpr std::string_view sender = "Smith-Sender";
/// W3C trace context.
inline constexpr std::string_view traceparent = "traceparent";
/// NATS services error text.
inline constexpr std::string_view service_error = "Nats-Service-Error";
/// NATS services error code (decimal status).
inline constexpr std::string_view service_error_code = "Nats-Service-Error-Code";
} // namespace header

/// Full protobuf name of the error reply body.
inline constexpr std::string_view error_reply_type = "smith.bridge.v1.ErrorReply";

/// Wall-clock time as carried on the wire (deadlines are absolute: hosts share UTC).
using wall_time = std::chrono::system_clock::time_point;

/// Decimal Unix epoch milliseconds of `t` (rounded down; times before 1970 give "0").
std::string encode_deadline(wall_time t);

/// Most characters encode_deadline() writes (any system_clock time in milliseconds).
inline constexpr size_t deadline_max_size = 20;

/// Writes encode_deadline(t) to `out` (room for deadline_max_size characters, no
/// terminator); returns the end of what it wrote.
char* write_deadline(wall_time t, char* out);

/// Parses 1..15 decimal digits of Unix epoch milliseconds; nullopt for anything else
/// (signs, spaces, empty, overlong).
std::optional<wall_time> decode_deadline(std::string_view text);

/// Length of the ids new_msg_id() makes.
inline constexpr size_t msg_id_size = 22;

/// A new message id: 22 base62 characters from 128 random bits. Thread-safe.
std::string new_msg_id();

/// Writes a new message id (msg_id_size characters, as new_msg_id) to `out`, which must have
/// room for them; no terminator. For senders that keep their headers in fixed buffers.
void write_msg_id(char* out);

/// Whether `id` is acceptable as a caller-chosen `Smith-Msg-Id`: 1..128 bytes of
/// printable ASCII without spaces.
bool valid_msg_id(std::string_view id);

/// Length of a version-00 traceparent.
inline constexpr size_t traceparent_size = 55;

/// A new W3C traceparent `00-{trace id}-{span id}-01` with random non-zero ids.
std::string new_traceparent();

/// Whether `tp` is a W3C traceparent: version 00 exactly
/// `00-{32 lowercase hex}-{16 lowercase hex}-{2 lowercase hex}`, ids not all zero; a future
/// version (not ff) may append `-...`.
bool valid_traceparent(std::string_view tp);

/// A traceparent for a call made while handling `parent`: the same trace id and flags, a
/// new span id. A malformed `parent` gives a new trace (new_traceparent()).
std::string child_traceparent(std::string_view parent);

/// Writes child_traceparent(parent) (a new trace when `parent` is empty or malformed) to `out`
/// (traceparent_size characters, no terminator).
void write_traceparent(std::string_view parent, char* out);

/// `'text'` for error messages: at most 64 bytes, non-printable bytes as \xNN.
std::string quote(std::string_view text);

/// Headers of a request or one-way message. `deadline` is required when the message has a
/// reply subject; empty `msg_id`, `sender` and `traceparent` are left out.
nats::header_list request_headers(std::string_view type, std::optional<wall_time> deadline,
                                  std::string_view msg_id, std::string_view sender,
                                  std::string_view traceparent);

/// Headers of a successful reply: `Smith-Type`, the request's `Smith-Msg-Id` and
/// `traceparent` (each left out when empty).
nats::header_list reply_headers(std::string_view type, std::string_view msg_id,
                                std::string_view traceparent);

/// An encoded message: headers and serialized protobuf body.
struct wire_message {
  nats::header_list headers;
  std::string body;
};

/// An error reply: `Nats-Service-Error` (text, CR/LF and control bytes replaced by
/// spaces), `Nats-Service-Error-Code` (status_of(code)), `Smith-Type: ErrorReply`,
/// `Smith-Msg-Id` when not empty, and the serialized `smith.bridge.v1.ErrorReply` body.
/// `code` none is sent as internal.
wire_message encode_error(wire_code code, std::string_view text, std::string_view msg_id);

/// Recognises an error reply by `Nats-Service-Error-Code` or `Smith-Type: ErrorReply` and
/// returns it as a wire_code error with its text; nullopt for anything else. The body's
/// code and text win when it parses; an unknown numeric code becomes internal (text names
/// it).
std::optional<caf::error> decode_error(const nats::header_list& headers, std::string_view body);

/// The same on headers borrowed from a received message.
std::optional<caf::error> decode_error_refs(const nats::header_refs& headers,
                                            std::string_view body);

} // namespace smith::bridge
