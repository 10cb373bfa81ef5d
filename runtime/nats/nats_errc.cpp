// Translation of natsStatus / jsErrCode into nats_errc errors (the only such place).
#include "runtime/nats/nats_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::nats {

std::string to_string(nats_errc x) {
  switch (x) {
    case nats_errc::none: return "none";
    case nats_errc::not_connected: return "not_connected";
    case nats_errc::connection_closed: return "connection_closed";
    case nats_errc::timeout: return "timeout";
    case nats_errc::no_responders: return "no_responders";
    case nats_errc::invalid_subject: return "invalid_subject";
    case nats_errc::max_payload: return "max_payload";
    case nats_errc::insufficient_buffer: return "insufficient_buffer";
    case nats_errc::auth: return "auth";
    case nats_errc::tls: return "tls";
    case nats_errc::slow_consumer: return "slow_consumer";
    case nats_errc::not_found: return "not_found";
    case nats_errc::jetstream: return "jetstream";
    case nats_errc::invalid_argument: return "invalid_argument";
    case nats_errc::io: return "io";
    case nats_errc::other: return "other";
  }
  return "unknown";
}

std::string render_nats_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<nats_errc>(code, ctx);
}

nats_errc to_nats_errc(natsStatus s) noexcept {
  switch (s) {
    case NATS_OK: return nats_errc::none;
    case NATS_NO_SERVER:
    case NATS_NOT_YET_CONNECTED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION: return nats_errc::not_connected;
    case NATS_CONNECTION_CLOSED:
    case NATS_DRAINING: return nats_errc::connection_closed;
    case NATS_TIMEOUT: return nats_errc::timeout;
    case NATS_NO_RESPONDERS: return nats_errc::no_responders;
    case NATS_INVALID_SUBJECT:
    case NATS_INVALID_QUEUE_NAME: return nats_errc::invalid_subject;
    case NATS_MAX_PAYLOAD: return nats_errc::max_payload;
    case NATS_INSUFFICIENT_BUFFER: return nats_errc::insufficient_buffer;
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED: return nats_errc::auth;
    case NATS_SSL_ERROR:
    case NATS_SECURE_CONNECTION_WANTED:
    case NATS_SECURE_CONNECTION_REQUIRED: return nats_errc::tls;
    case NATS_SLOW_CONSUMER: return nats_errc::slow_consumer;
    case NATS_NOT_FOUND: return nats_errc::not_found;
    case NATS_INVALID_ARG:
    case NATS_INVALID_TIMEOUT:
    case NATS_ADDRESS_MISSING:
    case NATS_INVALID_SUBSCRIPTION: return nats_errc::invalid_argument;
    case NATS_IO_ERROR:
    case NATS_SYS_ERROR: return nats_errc::io;
    case NATS_MISMATCH:
    case NATS_MISSED_HEARTBEAT:
    case NATS_NO_SERVER_SUPPORT: return nats_errc::jetstream;
    default: return nats_errc::other;
  }
}

namespace {

std::string describe(natsStatus s, std::string context) {
  std::string text = std::move(context);
  if (!text.empty())
    text += ": ";
  text += natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (last == s && detail != nullptr && *detail != '\0' && text.find(detail) == std::string::npos)
    text.append(" (").append(detail).append(")");
  return text;
}

} // namespace

caf::error make_nats_error(natsStatus s, std::string context) {
  if (s == NATS_OK)
    return {};
  return caf::make_error(to_nats_errc(s), describe(s, std::move(context)));
}

caf::error make_nats_error(natsStatus s, jsErrCode js, std::string context) {
  if (s == NATS_OK)
    return {};
  auto text = describe(s, std::move(context));
  auto code = to_nats_errc(s);
  if (js != 0) {
    text += " [JetStream error " + std::to_string(static_cast<int>(js)) + "]";
    if (js == JSStreamNotFoundErr || js == JSNoMessageFoundErr)
      code = nats_errc::not_found;
    else if (code != nats_errc::timeout && code != nats_errc::not_connected)
      code = nats_errc::jetstream;
  }
  return caf::make_error(code, std::move(text));
}

caf::error make_nats_error(nats_errc code, std::string context) {
  return caf::make_error(code, std::move(context));
}

} // namespace smith::nats
