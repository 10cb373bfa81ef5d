// Binds a [[domain]] config section to the domain a plugin provides: schema check, default
// pools, and the names a version's pools and supervisor get.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

#include "runtime/config/node_config.hpp"
#include "runtime/domain/domain_descriptor.hpp"

namespace smith::domain {

/// Checks every pool of `cfg` whose agent type `d` has: every setting key is in the schema for
/// that agent type (unless the schema is empty) with the declared TOML type, and every required
/// key is set (unknown agent types are left to the tree builder). Errors are config_errc values (unknown_key, wrong_type,
/// missing_key) whose context is "file:line:column: what was wrong", naming the
/// domain, pool and key. Pure.
caf::error check_settings(const config::domain_config& cfg, const domain_descriptor& d);

/// Suffix of the names of a version's pools and domain supervisor: "" for majors 0 and 1,
/// "-v{major}" from 2 on, so that versions side by side never share an agent name or subject
/// (pool "echo" of examples 2.x is "echo-v2", its agents "echo-v2-{node}-{i}").
std::string version_suffix(const std::string& version);

/// `cfg` ready to be built for `d`: the plugin's default pools when `cfg` lists none, every
/// pool name suffixed with version_suffix(d.version). `cfg.name` stays the domain's name.
config::domain_config bind_domain(config::domain_config cfg, const domain_descriptor& d);

/// Id of the domain's supervisor under the root: `{name}{version_suffix}`.
std::string domain_child_id(const domain_descriptor& d);

/// A [[domain]] section for a domain loaded without one: defaults of domain_config, no pools
/// (bind_domain then supplies the plugin's).
config::domain_config default_domain_config(const domain_descriptor& d);

} // namespace smith::domain
