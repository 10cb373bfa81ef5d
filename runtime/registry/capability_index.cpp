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

agent::semver capability_index::version_of(const agent_record& r, const capability_info& c) {
  return *agent::parse_semver(c.version.empty() ? r.id.version : c.version); // validated on insert
}

caf::error capability_index::insert(agent_record r) {
  if (auto err = validate(r))
    return err;
  auto& count = per_domain_[r.id.domain];
  if (max_per_domain_ > 0 && count >= max_per_domain_)
    return caf::make_error(registry_errc::limit_exceeded,
                           "domain '" + r.id.domain + "' already has " + std::to_string(count)
                             + " agents (limit " + std::to_string(max_per_domain_) + ")");
  auto id = slab_.emplace(std::move(r));
  auto& rec = slab_.record(id);
  auto* hot = &slab_.hot(id);
  for (auto& c : rec.capabilities)
    by_capability_[c.name].insert(version_of(rec, c), &rec, hot);
  by_name_[rec.id.domain + "/" + rec.id.name] = rec.id.instance;
  ++count;
  by_instance_.emplace(rec.id.instance, id);
  return {};
}

caf::error capability_index::erase(const std::string& instance) {
  auto i = by_instance_.find(instance);
  if (i == by_instance_.end())
    return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
  auto id = i->second;
  auto& rec = slab_.record(id);
  for (auto& c : rec.capabilities) {
    auto b = by_capability_.find(c.name);
    b->second.erase(version_of(rec, c), &rec);
    if (b->second.empty())
      by_capability_.erase(b);
  }
  auto n = by_name_.find(rec.id.domain + "/" + rec.id.name);
  if (n != by_name_.end() && n->second == instance)
    by_name_.erase(n); // a newer incarnation may own the name already
  if (--per_domain_[rec.id.domain] == 0)
    per_domain_.erase(rec.id.domain);
  by_instance_.erase(i); // before the slab frees the record (and the key it may alias)
  slab_.erase(id);
  return {};
}

const agent_record* capability_index::find(const std::string& instance) const {
  auto i = by_instance_.find(instance);
  return i != by_instance_.end() ? &slab_.record(i->second) : nullptr;
}

agent_record* capability_index::find_mutable(const std::string& instance) {
  auto i = by_instance_.find(instance);
  return i != by_instance_.end() ? &slab_.record(i->second) : nullptr;
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
  auto& rec = slab_.record(i->second);
  auto before = std::exchange(rec.health_, h);
  slab_.hot(i->second).health_ = h;
  if ((before == health::down) != (h == health::down)) // the buckets count down agents
    for (auto& c : rec.capabilities)
      by_capability_.find(c.name)->second.health_changed(version_of(rec, c), before, h);
  return before;
}

std::optional<agent::lifecycle_state>
capability_index::set_state(const std::string& instance, agent::lifecycle_state st) {
  auto i = by_instance_.find(instance);
  if (i == by_instance_.end())
    return std::nullopt;
  slab_.hot(i->second).state = st;
  return std::exchange(slab_.record(i->second).state, st);
}

bool capability_index::set_load(const std::string& instance, load_info load) {
  auto i = by_instance_.find(instance);
  if (i == by_instance_.end())
    return false;
  auto& rec = slab_.record(i->second);
  rec.load = load;
  slab_.hot(i->second).load = record_slab::hot_of(rec).load;
  return true;
}

size_t capability_index::domain_size(const std::string& domain) const {
  auto i = per_domain_.find(domain);
  return i != per_domain_.end() ? i->second : 0;
}

} // namespace smith::registry
