// Error codes of the supervision module (OTP's supervisor error terms).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/message.hpp>
#include <caf/make_message.hpp>

namespace smith::supervision {

/// Errors returned by supervisors and spec validation.
enum class supervision_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// A child spec or flag is invalid (context names child and field).
  invalid_spec,
  /// Two children share an id.
  duplicate_child_id,
  /// Flags or spec fields that cannot be combined (OTP bad_combination).
  bad_combination,
  /// start_child: a child with this id exists but is not running.
  already_present,
  /// start_child: a child with this id is running.
  already_started,
  /// restart_child/delete_child: the child is running.
  running,
  /// restart_child/delete_child: the child is waiting to be restarted.
  restarting,
  /// No child with this id.
  not_found,
  /// get_child: the child exists but is stopped (not running, no restart pending).
  not_running,
  /// A child's start function failed or threw.
  start_failed,
  /// The supervisor exceeded its restart intensity and shut down.
  reached_max_restart_intensity,
  /// The supervisor is shutting down and refuses changes.
  shutting_down,
};

/// Returns the OTP-style name of `x` ("already_present", ...).
std::string to_string(supervision_errc x);

/// Renders supervision errors (for caf::actor_system_config::add_error_category).
std::string render_supervision_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::supervision

CAF_ERROR_CODE_ENUM(smith::supervision::supervision_errc, "smith_sup")
