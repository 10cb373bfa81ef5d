// Validation of every inbound agent message before anything acts on it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/nats/header_list.hpp"
#include "runtime/nats/inbound_view.hpp"

namespace google::protobuf {
class Descriptor;
class Message;
} // namespace google::protobuf

namespace smith::bridge {

/// Limits applied to inbound messages (from the node's `[nats]` config).
struct inbound_limits {
  /// Largest accepted payload in bytes.
  size_t max_payload = 512 * 1024;
};

/// A validated inbound agent message; owns its parsed payload.
struct inbound_request {
  /// Who the subject addresses.
  agent_target target;
  /// Reply subject; empty for a one-way message.
  std::string reply;
  /// Type named by `Smith-Type` (from protobuf's generated pool; never null).
  const google::protobuf::Descriptor* type = nullptr;
  /// The parsed payload, of `type` (never null).
  std::shared_ptr<google::protobuf::Message> payload;
  /// `Smith-Deadline`; always set when `reply` is not empty.
  std::optional<wall_time> deadline;
  /// `Smith-Msg-Id`, or a new id when absent.
  std::string msg_id;
  /// `Smith-Sender`, as received (may be empty).
  std::string sender;
  /// `traceparent` if valid, else a new one.
  std::string traceparent;
  /// Whether a `traceparent` header was present but malformed (and replaced by a new trace).
  bool trace_replaced = false;
};

/// Checks one inbound message against the wire rules, in this order, and returns the
/// first failure as a wire_code error whose text names the problem:
///  1. `subject` is an agent subject (parse_agent_subject)            -> bad_request
///  2. `data` is at most `limits.max_payload` bytes                   -> payload_too_large
///  3. `Smith-Type` is present and names a message type compiled into
///     this binary (protobuf's generated pool)                        -> unknown_type
///  4. `Smith-Deadline` parses (required when `reply` is not empty;
///     checked when present on a one-way message)                     -> missing_deadline
///  5. the deadline is after `now`                                    -> deadline_exceeded
///  6. `Smith-Msg-Id`, when present and not empty, is valid_msg_id    -> bad_request
///  7. `data` parses as the type (proto3 strings valid UTF-8, proto2
///     required fields set) and contains no field the type does not
///     define, at any depth (the text names the field number)         -> bad_request
/// Whether the type is the endpoint's request type is the caller's check (unknown_type).
/// Pure; thread-safe; never throws (an unexpected exception becomes internal).
caf::expected<inbound_request> validate_inbound(std::string_view subject,
                                                std::string_view reply,
                                                const nats::header_list& headers,
                                                std::string_view data,
                                                const inbound_limits& limits, wall_time now);

/// validate_inbound on a message borrowed from nats.c (connection::subscribe_view).
caf::expected<inbound_request> validate_inbound_view(const nats::inbound_view& m,
                                                     const inbound_limits& limits, wall_time now);

} // namespace smith::bridge
