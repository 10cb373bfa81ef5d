// OTP's shutdown exit reason.
#include "runtime/core/shutdown.hpp"

#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>

namespace smith {

caf::error shutdown_reason(std::string why) {
  return caf::error{static_cast<uint8_t>(caf::exit_reason::user_shutdown), caf::atom("exit"),
                    caf::make_message(std::move(why))};
}

bool is_shutdown(const caf::error& reason) {
  return reason == caf::exit_reason::user_shutdown;
}

} // namespace smith
