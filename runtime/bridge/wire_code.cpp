// Names, numbers and mapping of wire error codes.
#include "runtime/bridge/wire_code.hpp"

#include <caf/sec.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/errc_render.hpp"
#include "runtime/registry/registry_errc.hpp"

namespace smith::bridge {

std::string to_string(wire_code x) {
  switch (x) {
    case wire_code::none: return "none";
    case wire_code::bad_request: return "bad_request";
    case wire_code::unknown_agent: return "unknown_agent";
    case wire_code::unknown_action: return "unknown_action";
    case wire_code::deadline_exceeded: return "deadline_exceeded";
    case wire_code::payload_too_large: return "payload_too_large";
    case wire_code::unknown_type: return "unknown_type";
    case wire_code::missing_deadline: return "missing_deadline";
    case wire_code::overloaded: return "overloaded";
    case wire_code::unavailable: return "unavailable";
    case wire_code::internal: return "internal";
  }
  return "unknown";
}

std::string wire_name(wire_code x) {
  auto s = to_string(x);
  for (auto& c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return s;
}

uint16_t status_of(wire_code x) {
  switch (x) {
    case wire_code::none: return 0;
    case wire_code::bad_request: return 400;
    case wire_code::unknown_agent: return 404;
    case wire_code::unknown_action: return 405;
    case wire_code::deadline_exceeded: return 408;
    case wire_code::payload_too_large: return 413;
    case wire_code::unknown_type: return 415;
    case wire_code::missing_deadline: return 428;
    case wire_code::overloaded: return 429;
    case wire_code::unavailable: return 503;
    case wire_code::internal: return 500;
  }
  return 500;
}

std::optional<wire_code> wire_code_from_status(uint32_t status) {
  for (auto c = static_cast<uint8_t>(wire_code::bad_request);
       c <= static_cast<uint8_t>(wire_code::internal); ++c)
    if (status_of(static_cast<wire_code>(c)) == status)
      return static_cast<wire_code>(c);
  return std::nullopt;
}

wire_code code_of(const caf::error& err) {
  if (!err)
    return wire_code::none;
  auto cat = err.category();
  auto code = err.code();
  if (cat == caf::atom("smith_wire") && code <= static_cast<uint8_t>(wire_code::internal))
    return static_cast<wire_code>(code);
  if (err == agent::agent_errc::overloaded)
    return wire_code::overloaded;
  if (err == agent::agent_errc::draining)
    return wire_code::unavailable;
  if (err == agent::agent_errc::unexpected_message)
    return wire_code::unknown_action;
  if (err == registry::registry_errc::unknown_agent)
    return wire_code::unknown_agent;
  if (err == registry::registry_errc::no_candidate)
    return wire_code::unavailable;
  if (err == caf::sec::request_timeout)
    return wire_code::deadline_exceeded;
  if (err == caf::sec::request_receiver_down)
    return wire_code::unavailable;
  return wire_code::internal;
}

std::string error_text(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

std::string render_wire_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<wire_code>(code, ctx);
}

} // namespace smith::bridge
