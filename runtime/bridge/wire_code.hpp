// Error codes of the NATS wire (mirror smith.bridge.v1.ErrorCode), as a CAF error category.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::bridge {

/// Why the bridge refused or failed a request. CAF 0.17 error codes are 8 bits wide, so
/// the enumerators are ordinals; `status_of` gives the numeric wire code (400, 404, ...)
/// sent in `Nats-Service-Error-Code` and in `smith.bridge.v1.ErrorCode`.
enum class wire_code : uint8_t {
  /// Not an error.
  none = 0,
  /// 400: subject malformed, or payload does not parse as `Smith-Type`.
  bad_request,
  /// 404: no such agent or pool on this node.
  unknown_agent,
  /// 405: the agent has no endpoint for the action.
  unknown_action,
  /// 408: the deadline passed before the start or before the reply.
  deadline_exceeded,
  /// 413: payload above the configured maximum.
  payload_too_large,
  /// 415: `Smith-Type` missing, unknown, or not the endpoint's request type.
  unknown_type,
  /// 428: a request without a valid `Smith-Deadline`.
  missing_deadline,
  /// 429: the agent's mailbox is full.
  overloaded,
  /// 503: the agent is draining or stopping; no responders; publish failed.
  unavailable,
  /// 500: the agent failed the request.
  internal,
};

/// Returns the name of `x` ("bad_request", ...).
std::string to_string(wire_code x);

/// Returns the wire name of `x` as in docs and `ErrorCode` ("BAD_REQUEST", ...).
std::string wire_name(wire_code x);

/// Returns the numeric wire code of `x` (400 for bad_request, ...; 0 for none).
uint16_t status_of(wire_code x);

/// Returns the code whose `status_of` is `status`, or nullopt for any other number.
std::optional<wire_code> wire_code_from_status(uint32_t status);

/// Maps any error to the code the wire reports for it: wire errors keep their code; the
/// agent's `overloaded` is overloaded, `draining` unavailable, `unexpected_message`
/// unknown_action; the registry's `unknown_agent` is unknown_agent, `no_candidate`
/// unavailable; CAF's `request_timeout` is deadline_exceeded, `request_receiver_down`
/// unavailable; anything else is internal. An empty error gives none.
wire_code code_of(const caf::error& err);

/// The text of `err` for an error reply: its single string context if it has one, else
/// CAF's rendering of the whole error.
std::string error_text(const caf::error& err);

/// Renders wire errors (for caf::actor_system_config::add_error_category, atom "smith_wire").
std::string render_wire_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::bridge

CAF_ERROR_CODE_ENUM(smith::bridge::wire_code, "smith_wire")
