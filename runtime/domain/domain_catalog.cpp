// Domain catalog.
#include "runtime/domain/domain_catalog.hpp"

#include <set>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/core/token.hpp"

namespace smith::domain {

caf::error domain_catalog::add(domain_descriptor d) {
  using agent::agent_errc;
  if (auto why = token_error(d.name))
    return caf::make_error(agent_errc::invalid_name, "domain name '" + d.name + "' " + *why);
  if (auto v = agent::parse_semver(d.version); !v)
    return std::move(v.error());
  if (domains_.count(d.name) > 0)
    return caf::make_error(agent_errc::invalid_name,
                           "domain '" + d.name + "' is already registered (version "
                             + domains_[d.name].version + "); refusing version " + d.version);
  std::set<std::string> seen;
  for (auto& t : d.agents) {
    if (auto why = token_error(t.name))
      return caf::make_error(agent_errc::invalid_name,
                             "agent type '" + t.name + "' of domain '" + d.name + "' " + *why);
    if (auto v = agent::parse_semver(t.version); !v)
      return std::move(v.error());
    if (!seen.insert(t.name).second)
      return caf::make_error(agent_errc::invalid_name,
                             "agent type '" + t.name + "' appears twice in domain '" + d.name + "'");
    if (t.endpoints)
      if (auto err = agent::validate(*t.endpoints))
        return err;
  }
  auto name = d.name;
  domains_.emplace(std::move(name), std::move(d));
  return {};
}

const domain_descriptor* domain_catalog::find(const std::string& name) const {
  auto i = domains_.find(name);
  return i != domains_.end() ? &i->second : nullptr;
}

const agent::agent_type* domain_catalog::find_agent(const std::string& domain,
                                                    const std::string& type) const {
  auto* d = find(domain);
  if (d == nullptr)
    return nullptr;
  for (auto& t : d->agents)
    if (t.name == type)
      return &t;
  return nullptr;
}

std::vector<std::string> domain_catalog::names() const {
  std::vector<std::string> out;
  for (auto& kvp : domains_)
    out.push_back(kvp.first);
  return out;
}

} // namespace smith::domain
