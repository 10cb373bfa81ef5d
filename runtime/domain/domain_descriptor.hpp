// What a domain contributes to a node: agent types, default pools and a config schema.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/agent/agent_type.hpp"
#include "runtime/supervision/child_spec.hpp"
#include "runtime/supervision/supervisor_spec.hpp"

namespace smith::domain {

/// The default supervision of one pool: used when the node config's `[[domain]]` section
/// lists no pools, or when a domain is loaded at runtime without a config section.
struct pool_defaults {
  /// Agent type the pool runs (one of the domain's agent types).
  std::string agent;
  /// Pool name, a subject token; empty = `agent`.
  std::string pool;
  /// Number of instances, >= 1.
  uint32_t instances = 1;
  /// Flags of the pool supervisor.
  supervision::supervisor_flags flags{supervision::strategy::one_for_one, 5,
                                      std::chrono::milliseconds{10000},
                                      supervision::auto_shutdown::never};
  /// Restart type of every instance.
  supervision::restart_type restart = supervision::restart_type::permanent;
  /// How the pool supervisor stops an instance (also the drain deadline of an unload).
  supervision::shutdown_spec shutdown = supervision::shutdown_spec::after(std::chrono::milliseconds{5000});
  /// Mailbox capacity of every instance.
  size_t mailbox_capacity = 1024;
};

/// TOML type a setting must have.
enum class setting_kind : uint8_t {
  /// A TOML string.
  string = 1,
  /// A TOML integer.
  integer,
  /// A TOML boolean.
  boolean,
  /// A TOML float or integer.
  number,
};

/// "string", "integer", "boolean", "number".
const char* to_string(setting_kind x);

/// One key a domain accepts in the `settings` table of its pools ([[domain.pool]] settings).
struct setting_schema {
  /// Agent type whose pools take this key; empty = every agent type of the domain.
  std::string agent;
  /// The key.
  std::string key;
  setting_kind kind = setting_kind::string;
  /// Whether every pool of `agent` must set it.
  bool required = false;
  /// One line for humans (error messages, smithctl).
  std::string description;
};

/// What a domain contributes: a name, a version, its agent types, the pools it runs by
/// default and the settings it accepts. A domain whose schema is empty accepts any settings.
struct domain_descriptor {
  /// Subject token, e.g. "examples".
  std::string name;
  /// SemVer 2.0 version of the domain.
  std::string version;
  std::vector<agent::agent_type> agents;
  /// Pools started when the config names none; empty = one pool per agent type, named after it.
  std::vector<pool_defaults> default_pools;
  /// Keys accepted in pool settings; empty = no schema (anything goes).
  std::vector<setting_schema> schema;
};

/// The pools a domain runs without a config section: `d.default_pools`, or one single-instance
/// pool per agent type named after it.
std::vector<pool_defaults> effective_default_pools(const domain_descriptor& d);

} // namespace smith::domain
