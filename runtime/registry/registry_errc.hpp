// Error codes of the capability registry (mirror smith.registry.v1.RegistryErrorCode).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::registry {

/// Errors returned by the registry and its index; nothing changes when one is returned.
enum class registry_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// A domain, agent or capability name is not a valid subject token.
  invalid_name,
  /// A version is not SemVer 2.0.
  invalid_version,
  /// A version range does not parse.
  invalid_range,
  /// An agent with this instance id is already registered.
  duplicate_instance,
  /// No agent with this instance id or name is registered.
  unknown_agent,
  /// The domain already has its configured maximum of agents.
  limit_exceeded,
  /// No agent matches (find_healthy).
  no_candidate,
};

/// Returns the name of `x` ("duplicate_instance", ...).
std::string to_string(registry_errc x);

/// Renders registry errors (for caf::actor_system_config::add_error_category).
std::string render_registry_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::registry

CAF_ERROR_CODE_ENUM(smith::registry::registry_errc, "smith_reg")
