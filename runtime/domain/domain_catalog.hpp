// The catalog of domains and the agent types they provide.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "runtime/agent/agent_type.hpp"

namespace smith::domain {

/// What a domain contributes: a name, a version and its agent types.
struct domain_descriptor {
  /// Subject token, e.g. "examples".
  std::string name;
  /// SemVer 2.0 version of the domain.
  std::string version;
  std::vector<agent::agent_type> agents;
};

/// Registered domains by name. Filled before the tree starts; read-only after.
class domain_catalog {
public:
  /// Adds `d` after validating its name, version and agent types.
  /// Errors: agent_errc::invalid_name / invalid_version, or a duplicate
  /// domain or agent type (agent_errc::invalid_name naming both).
  caf::error add(domain_descriptor d);

  /// The domain named `name`, or nullptr.
  const domain_descriptor* find(const std::string& name) const;

  /// Agent type `type` of domain `domain`, or nullptr.
  const agent::agent_type* find_agent(const std::string& domain, const std::string& type) const;

  /// Names of every registered domain, sorted.
  std::vector<std::string> names() const;

private:
  std::map<std::string, domain_descriptor> domains_;
};

} // namespace smith::domain
