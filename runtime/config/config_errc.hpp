// Error codes of the config module (loading and validating smithd's TOML configuration).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::config {

/// Errors returned by the config loader. The error context is one std::string,
/// the full user-facing message "file:line:column: what was wrong".
enum class config_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// The config file cannot be opened or read.
  file_not_found,
  /// The text is not valid TOML.
  syntax_error,
  /// A key the schema does not know (typo or misplaced key).
  unknown_key,
  /// A value of the wrong TOML type (e.g. a string where an integer belongs).
  wrong_type,
  /// A number outside its allowed range.
  out_of_range,
  /// A value of the right type that is not allowed (bad enum value, bad subject token, ...).
  invalid_value,
  /// Two domains, or two pools of one domain, share a name.
  duplicate_name,
  /// A required key or table is absent.
  missing_key,
};

/// Returns the name of `x` ("unknown_key", ...).
std::string to_string(config_errc x);

/// Renders config errors (for caf::actor_system_config::add_error_category).
std::string render_config_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::config

CAF_ERROR_CODE_ENUM(smith::config::config_errc, "smith_cfg")
