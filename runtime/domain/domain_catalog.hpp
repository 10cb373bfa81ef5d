// The catalog of domains and the agent types they provide.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "runtime/domain/domain_descriptor.hpp"

namespace smith::domain {

/// Registered domains by name and version. Several majors of one domain may be registered
/// side by side (examples 1.x and 2.x); two versions with the same major may not (their agents
/// would share names and subjects). Thread-safe: plugins are added and removed at runtime while
/// the bridge and the tree read. Pointers returned by the finders stay valid until the domain
/// they belong to is removed; a domain is removed only after its agents have terminated.
class domain_catalog {
public:
  domain_catalog() = default;
  domain_catalog(const domain_catalog& other);
  domain_catalog(domain_catalog&& other) noexcept;
  domain_catalog& operator=(domain_catalog other) noexcept;

  /// Adds `d` after validating its name, version, agent types, default pools and schema.
  /// Errors (agent_errc::invalid_name / invalid_version) name what was wrong, and for a
  /// domain already registered with the same major both versions.
  caf::error add(domain_descriptor d);

  /// Removes version `version` of domain `name`; agent_errc::invalid_name if absent.
  caf::error remove(const std::string& name, const std::string& version);

  /// The highest registered version of domain `name`, or nullptr.
  const domain_descriptor* find(const std::string& name) const;

  /// The highest version of `name` matching the SemVer range `range` ("^2", "*"; empty = any),
  /// or nullptr (also for an invalid range).
  const domain_descriptor* find(const std::string& name, const std::string& range) const;

  /// Agent type `type` of the highest version of `domain` that has it, or nullptr.
  const agent::agent_type* find_agent(const std::string& domain, const std::string& type) const;

  /// Agent type `type` of `domain` whose agent version is `version` (the version an agent
  /// registers with); falls back to find_agent(domain, type) when no version has it exactly.
  const agent::agent_type* find_agent(const std::string& domain, const std::string& type,
                                      const std::string& version) const;

  /// Names of every registered domain, sorted, each once.
  std::vector<std::string> names() const;

  /// Every registered domain version, by name then highest version first.
  std::vector<std::shared_ptr<const domain_descriptor>> list() const;

private:
  using versions = std::vector<std::shared_ptr<const domain_descriptor>>;
  mutable std::shared_mutex mtx_;
  std::map<std::string, versions> domains_;
};

/// Checks a descriptor on its own (names, versions, endpoints, default pools, schema).
caf::error validate(const domain_descriptor& d);

} // namespace smith::domain
