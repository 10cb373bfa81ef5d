// Encoding and publishing one Smith request envelope without per-message allocations.
#pragma once

#include <cstddef>
#include <string_view>

#include <caf/error.hpp>

#include "runtime/bridge/wire.hpp"
#include "runtime/nats/connection.hpp"

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace smith::bridge {

/// What publish_request puts around the payload (contracts/README.md, "NATS wire").
struct request_meta {
  /// Absolute deadline (Smith-Deadline).
  wall_time deadline;
  /// Smith-Sender; empty leaves the header out.
  std::string_view sender;
  /// Trace to continue (a child span is made); empty or malformed starts a new trace.
  std::string_view parent_trace;
};

/// Serializes `msg` and publishes it to `subject` (with `reply` unless empty) carrying
/// Smith-Type, Smith-Deadline, a new Smith-Msg-Id, Smith-Sender and traceparent: the same
/// bytes and headers as request_headers() would give. Buffers are reused per thread, so
/// it is safe to call from any thread, concurrently. Errors: bad_request (payload does not
/// serialize), payload_too_large (above `max_payload`), unavailable (publish failed; the
/// text says why).
caf::error publish_request(nats::connection& conn, std::string_view subject,
                           std::string_view reply, const google::protobuf::Message& msg,
                           const request_meta& meta, size_t max_payload);

} // namespace smith::bridge
