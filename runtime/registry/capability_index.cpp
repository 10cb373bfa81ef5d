// The registry index.
#include "runtime/registry/capability_index.hpp"

#include "runtime/core/token.hpp"
#include "runtime/registry/registry_errc.hpp"

namespace smith::registry {

capability_index::capability_index(size_t max_agents_per_domain)
  : max_per_domain_(max_agents_per_domain) {
  // nop
}

capability_index::~capability_index() = default;

caf::error capability_index::validate(const agent_record& r) const {
  auto bad_name = [](const std::string& what, const std::string& name, const std::string& why) {
    return caf::make_error(registry_errc::invalid_name, what + " '" + name + "' " + why);
  };
  if (auto why = token_error(r.id.domain))
    return bad_name("domain", r.id.domain, *why);
  if (auto why = token_error(r.id.name))
    return bad_name("agent name", r.id.name, *why);
  if (r.id.instance.empty())
    return caf::make_error(registry_errc::invalid_name, "agent " + r.id.name + " has no instance id");
  if (!agent::parse_semver(r.id.version))
    return caf::make_error(registry_errc::invalid_version,
                           "agent " + r.id.name + " version '" + r.id.version + "' is not SemVer 2.0");
  for (size_t i = 0; i < r.capabilities.size(); ++i) {
    auto& c = r.capabilities[i];
    for (size_t j = 0; j < i; ++j)
      if (r.capabilities[j].name == c.name)
        return bad_name("capability", c.name, "appears twice in agent " + r.id.name);
    if (auto why = token_error(c.name))
      return bad_name("capability", c.name, *why);
    if (!c.version.empty() && !agent::parse_semver(c.version))
      return caf::make_error(registry_errc::invalid_version,
                             "capability " + c.name + " version '" + c.version + "' is not SemVer 2.0");
  }
  if (by_instance_.count(r.id.instance) > 0)
    return caf::make_error(registry_errc::duplicate_instance,
                           "instance " + r.id.instance + " is already registered");
  return {};
}

caf::error capability_index::insert(agent_record r) {
  if (auto err = validate(r))
    return err;
  auto& count = per_domain_[r.id.domain];
  if (max_per_domain_ > 0 && count >= max_per_domain_)
    return caf::make_error(registry_errc::limit_exceeded,
                           "domain '" + r.id.domain + "' already has " + std::to_string(count)
                             + " agents (limit " + std::to_string(max_per_domain_) + ")");
  auto e = std::make_unique<entry>();
  e->record = std::move(r);
  auto& rec = e->record;
  e->versions.reserve(rec.capabilities.size());
  for (auto& c : rec.capabilities)
    e->versions.push_back(*agent::parse_semver(c.version.empty() ? rec.id.version : c.version));
  for (size_t i = 0; i < rec.capabilities.size(); ++i)
    by_capability_[rec.capabilities[i].name].insert(e->versions[i], &rec);
  by_name_[rec.id.domain + "/" + rec.id.name] = rec.id.instance;
  ++count;
  auto key = rec.id.instance;
  by_instance_.emplace(std::move(key), std::move(e));
  return {};
}

caf::error capability_index::erase(const std::string& instance) {
  auto i = by_instance_.find(instance);
  if (i == by_instance_.end())
    return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
  auto& e = *i->second;
  auto& rec = e.record;
  for (size_t k = 0; k < rec.capabilities.size(); ++k) {
    auto b = by_capability_.find(rec.capabilities[k].name);
    b->second.erase(e.versions[k], &rec);
    if (b->second.empty())
      by_capability_.erase(b);
  }
  auto n = by_name_.find(rec.id.domain + "/" + rec.id.name);
  if (n != by_name_.end() && n->second == instance)
    by_name_.erase(n); // a newer incarnation may own the name already
  if (--per_domain_[rec.id.domain] == 0)
    per_domain_.erase(rec.id.domain);
  by_instance_.erase(i);
  return {};
}

const agent_record* capability_index::find(const std::string& instance) const {
  auto i = by_instance_.find(instance);
  return i != by_instance_.end() ? &i->second->record : nullptr;
}

agent_record* capability_index::find_mutable(const std::string& instance) {
  auto i = by_instance_.find(instance);
  return i != by_instance_.end() ? &i->second->record : nullptr;
}

const agent_record* capability_index::find_by_name(const std::string& domain,
                                                   const std::string& name) const {
  auto n = by_name_.find(domain + "/" + name);
  return n != by_name_.end() ? find(n->second) : nullptr;
}

std::optional<health> capability_index::set_health(const std::string& instance, health h) {
  auto i = by_instance_.find(instance);
  if (i == by_instance_.end())
    return std::nullopt;
  auto& e = *i->second;
  auto before = std::exchange(e.record.health_, h);
  if ((before == health::down) != (h == health::down)) // the buckets count down agents
    for (size_t k = 0; k < e.record.capabilities.size(); ++k)
      by_capability_.find(e.record.capabilities[k].name)->second.health_changed(e.versions[k],
                                                                                before, h);
  return before;
}

std::optional<agent::lifecycle_state>
capability_index::set_state(const std::string& instance, agent::lifecycle_state st) {
  auto* rec = find_mutable(instance);
  if (rec == nullptr)
    return std::nullopt;
  return std::exchange(rec->state, st);
}

size_t capability_index::domain_size(const std::string& domain) const {
  auto i = per_domain_.find(domain);
  return i != per_domain_.end() ? i->second : 0;
}

} // namespace smith::registry
