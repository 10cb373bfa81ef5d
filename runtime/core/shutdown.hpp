// OTP's `shutdown` exit reason in CAF terms.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace smith {

/// OTP's `{shutdown, Why}`: caf::exit_reason::user_shutdown carrying `why`.
/// Supervisors treat it as a clean exit (transient children stay down).
caf::error shutdown_reason(std::string why);

/// Whether `reason` is `shutdown` (with or without context).
bool is_shutdown(const caf::error& reason);

} // namespace smith
