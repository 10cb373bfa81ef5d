// Shared rendering of Smith's *_errc error categories for CAF.
#pragma once

#include <cstdint>
#include <string>

#include <caf/message.hpp>

namespace smith {

/// "<name of code>: <context>" where the context is our single string, or
/// CAF's rendering of any other context. `Enum` needs a `to_string(Enum)`.
template <class Enum>
std::string render_errc(uint8_t code, const caf::message& ctx) {
  std::string result = to_string(static_cast<Enum>(code));
  if (ctx.match_elements<std::string>())
    result += ": " + ctx.get_as<std::string>(0);
  else if (!ctx.empty())
    result += ": " + caf::to_string(ctx);
  return result;
}

} // namespace smith
