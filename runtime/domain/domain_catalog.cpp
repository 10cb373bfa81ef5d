// Domain catalog.
#include "runtime/domain/domain_catalog.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/core/token.hpp"

namespace smith::domain {

namespace {

using agent::agent_errc;

caf::error bad_name(const std::string& what) {
  return caf::make_error(agent_errc::invalid_name, what);
}

caf::error validate_agents(const domain_descriptor& d, std::set<std::string>& seen) {
  for (auto& t : d.agents) {
    if (auto why = token_error(t.name))
      return bad_name("agent type '" + t.name + "' of domain '" + d.name + "' " + *why);
    if (auto v = agent::parse_semver(t.version); !v)
      return std::move(v.error());
    if (!seen.insert(t.name).second)
      return bad_name("agent type '" + t.name + "' appears twice in domain '" + d.name + "'");
    if (t.endpoints)
      if (auto err = agent::validate(*t.endpoints))
        return err;
  }
  return {};
}

caf::error validate_extras(const domain_descriptor& d, const std::set<std::string>& types) {
  std::set<std::string> pools;
  for (auto& p : d.default_pools) {
    if (types.count(p.agent) == 0)
      return bad_name("default pool of domain '" + d.name + "' runs unknown agent type '"
                      + p.agent + "'");
    auto name = p.pool.empty() ? p.agent : p.pool;
    if (auto why = token_error(name))
      return bad_name("default pool '" + name + "' of domain '" + d.name + "' " + *why);
    if (!pools.insert(name).second || p.instances == 0)
      return bad_name("default pool '" + name + "' of domain '" + d.name
                      + "' is listed twice or has no instances");
  }
  for (auto& s : d.schema)
    if (s.key.empty() || (!s.agent.empty() && types.count(s.agent) == 0))
      return bad_name("config schema of domain '" + d.name + "': key '" + s.key
                      + "' is empty or names unknown agent type '" + s.agent + "'");
  return {};
}

} // namespace

caf::error validate(const domain_descriptor& d) {
  if (auto why = token_error(d.name))
    return bad_name("domain name '" + d.name + "' " + *why);
  if (auto v = agent::parse_semver(d.version); !v)
    return std::move(v.error());
  std::set<std::string> types;
  if (auto err = validate_agents(d, types))
    return err;
  return validate_extras(d, types);
}

domain_catalog::domain_catalog(const domain_catalog& other) {
  std::shared_lock<std::shared_mutex> guard{other.mtx_};
  domains_ = other.domains_;
}

domain_catalog::domain_catalog(domain_catalog&& other) noexcept {
  std::unique_lock<std::shared_mutex> guard{other.mtx_};
  domains_ = std::move(other.domains_);
}

domain_catalog& domain_catalog::operator=(domain_catalog other) noexcept {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  domains_ = std::move(other.domains_);
  return *this;
}

caf::error domain_catalog::add(domain_descriptor d) {
  if (auto err = validate(d))
    return err;
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto& vs = domains_[d.name];
  for (auto& x : vs)
    if (agent::major_of(x->version) == agent::major_of(d.version))
      return bad_name("domain '" + d.name + "' is already registered (version " + x->version
                      + "); refusing version " + d.version
                      + " (one version per major: their agents would share names)");
  vs.push_back(std::make_shared<const domain_descriptor>(std::move(d)));
  std::sort(vs.begin(), vs.end(), [](auto& x, auto& y) {
    return agent::major_of(x->version) > agent::major_of(y->version);
  });
  return {};
}

caf::error domain_catalog::remove(const std::string& name, const std::string& version) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto i = domains_.find(name);
  if (i != domains_.end()) {
    auto& vs = i->second;
    auto j = std::find_if(vs.begin(), vs.end(), [&](auto& x) { return x->version == version; });
    if (j != vs.end()) {
      vs.erase(j);
      if (vs.empty())
        domains_.erase(i);
      return {};
    }
  }
  return bad_name("domain '" + name + "' version " + version + " is not registered");
}

const domain_descriptor* domain_catalog::find(const std::string& name) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = domains_.find(name);
  return i != domains_.end() && !i->second.empty() ? i->second.front().get() : nullptr;
}

const domain_descriptor* domain_catalog::find(const std::string& name,
                                              const std::string& range) const {
  auto r = agent::version_range::parse(range);
  if (!r)
    return nullptr;
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = domains_.find(name);
  if (i == domains_.end())
    return nullptr;
  for (auto& d : i->second)
    if (r->matches(d->version))
      return d.get();
  return nullptr;
}

const agent::agent_type* domain_catalog::find_agent(const std::string& domain,
                                                    const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = domains_.find(domain);
  if (i == domains_.end())
    return nullptr;
  for (auto& d : i->second)
    for (auto& t : d->agents)
      if (t.name == type)
        return &t;
  return nullptr;
}

const agent::agent_type* domain_catalog::find_agent(const std::string& domain,
                                                    const std::string& type,
                                                    const std::string& version) const {
  {
    std::shared_lock<std::shared_mutex> guard{mtx_};
    auto i = domains_.find(domain);
    if (i != domains_.end())
      for (auto& d : i->second)
        for (auto& t : d->agents)
          if (t.name == type && t.version == version)
            return &t;
  }
  return find_agent(domain, type);
}

std::vector<std::string> domain_catalog::names() const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  std::vector<std::string> out;
  for (auto& kvp : domains_)
    out.push_back(kvp.first);
  return out;
}

std::vector<std::shared_ptr<const domain_descriptor>> domain_catalog::list() const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  std::vector<std::shared_ptr<const domain_descriptor>> out;
  for (auto& kvp : domains_)
    out.insert(out.end(), kvp.second.begin(), kvp.second.end());
  return out;
}

} // namespace smith::domain
