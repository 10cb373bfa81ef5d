// Error codes of the NATS adapter; the one place where nats.c statuses become caf::errors.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <nats/nats.h>

namespace smith::nats {

/// Errors of runtime/nats. The context is one std::string: what was attempted
/// (subject, bucket, key), nats.c's status text and its last-error detail.
enum class nats_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// No server could be reached (connect) or the connection is not established yet.
  not_connected,
  /// The connection is closed (by close() or after the reconnect attempts ran out).
  connection_closed,
  /// The operation did not complete in time (flush, request, JetStream API).
  timeout,
  /// A request found no subscriber on its subject (server status 503).
  no_responders,
  /// A subject or queue name is empty or malformed.
  invalid_subject,
  /// The payload is larger than the server's max_payload.
  max_payload,
  /// The reconnect buffer is full: the message was not accepted while disconnected.
  insufficient_buffer,
  /// Authentication or authorization failed, or an action is not permitted.
  auth,
  /// TLS setup or handshake failed, or the server and client disagree on TLS.
  tls,
  /// A subscription's pending limits were exceeded; messages were dropped.
  slow_consumer,
  /// A KV key (or another looked-up item) does not exist.
  not_found,
  /// A JetStream API call failed (not enabled, bucket misconfigured, ...).
  jetstream,
  /// An argument was rejected by nats.c or by the adapter.
  invalid_argument,
  /// Network or system I/O failed.
  io,
  /// Anything else nats.c reports.
  other,
};

/// Returns the name of `x` ("no_responders", ...).
std::string to_string(nats_errc x);

/// Renders NATS errors (for caf::actor_system_config::add_error_category).
std::string render_nats_error(uint8_t code, caf::atom_value, const caf::message& ctx);

/// The nats_errc matching `s` (none for NATS_OK).
nats_errc to_nats_errc(natsStatus s) noexcept;

/// Translates `s` into an error whose text is "<context>: <status text> (<last error detail>)".
/// Reads nats.c's thread-local last error, so call it right after the failing call on the
/// same thread. Returns an empty error for NATS_OK.
caf::error make_nats_error(natsStatus s, std::string context);

/// As above for JetStream calls; a non-zero `js` code is named in the text and turns
/// a generic failure into nats_errc::jetstream (stream/key not found stay not_found).
caf::error make_nats_error(natsStatus s, jsErrCode js, std::string context);

/// An adapter-detected error (no natsStatus involved).
caf::error make_nats_error(nats_errc code, std::string context);

} // namespace smith::nats

CAF_ERROR_CODE_ENUM(smith::nats::nats_errc, "smith_nats")
