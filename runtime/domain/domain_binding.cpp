// Schema checks and naming of plugin domains.
#include "runtime/domain/domain_binding.hpp"

#include <algorithm>
#include <vector>

#include "runtime/agent/semver.hpp"
#include "runtime/config/config_errc.hpp"
#include "runtime/config/internal/suggest.hpp"

namespace smith::domain {

namespace {

caf::error fail(config::config_errc code, const std::string& where, const std::string& what) {
  return caf::make_error(code, where + ": " + what);
}

bool kind_accepts(setting_kind want, const std::string& got) {
  switch (want) {
    case setting_kind::string:
      return got == "string";
    case setting_kind::integer:
      return got == "integer";
    case setting_kind::boolean:
      return got == "boolean";
    case setting_kind::number:
      return got == "integer" || got == "float";
  }
  return false;
}

std::string kind_phrase(setting_kind k) {
  return k == setting_kind::integer ? "an integer" : std::string{"a "} + to_string(k);
}

std::vector<const setting_schema*> schema_for(const domain_descriptor& d,
                                              const std::string& agent) {
  std::vector<const setting_schema*> out;
  for (auto& s : d.schema)
    if (s.agent.empty() || s.agent == agent)
      out.push_back(&s);
  return out;
}

caf::error check_pool(const std::string& domain, const config::pool_config& p,
                      const domain_descriptor& d) {
  auto scope = "domain '" + domain + "' pool '" + p.name + "'";
  auto known = std::any_of(d.agents.begin(), d.agents.end(),
                           [&](const agent::agent_type& t) { return t.name == p.agent; });
  if (!known || d.schema.empty())
    return {}; // an unknown agent type is the tree builder's error (it names the known ones)
  auto keys = schema_for(d, p.agent);
  for (auto& [key, src] : p.setting_sources) {
    auto i = std::find_if(keys.begin(), keys.end(),
                          [&](const setting_schema* s) { return s->key == key; });
    if (i == keys.end()) {
      std::vector<std::string_view> names;
      for (auto* s : keys)
        names.emplace_back(s->key);
      auto close = config::internal::closest_match(key, names);
      return fail(config::config_errc::unknown_key, src.where,
                  scope + ": unknown setting '" + key + "' for agent type '" + p.agent + "'"
                    + (close ? " (did you mean '" + std::string{*close} + "'?)" : ""));
    }
    if (!kind_accepts((*i)->kind, src.kind))
      return fail(config::config_errc::wrong_type, src.where,
                  scope + ": setting '" + key + "' must be " + kind_phrase((*i)->kind)
                    + ", got " + src.kind);
  }
  for (auto* s : keys)
    if (s->required && p.settings.count(s->key) == 0)
      return fail(config::config_errc::missing_key, p.where,
                  scope + ": required setting '" + s->key + "' (" + s->description
                    + ") is missing");
  return {};
}

} // namespace

caf::error check_settings(const config::domain_config& cfg, const domain_descriptor& d) {
  for (auto& p : cfg.pools)
    if (auto err = check_pool(cfg.name, p, d))
      return err;
  return {};
}

std::string version_suffix(const std::string& version) {
  auto major = agent::major_of(version);
  return major <= 1 ? std::string{} : "-v" + std::to_string(major);
}

config::domain_config bind_domain(config::domain_config cfg, const domain_descriptor& d) {
  if (cfg.pools.empty()) {
    for (auto& def : effective_default_pools(d)) {
      config::pool_config p;
      p.agent = def.agent;
      p.name = def.pool.empty() ? def.agent : def.pool;
      p.instances = def.instances;
      p.sup.flags = def.flags;
      p.restart = def.restart;
      p.shutdown = def.shutdown;
      p.mailbox_capacity = def.mailbox_capacity;
      p.where = (cfg.where.empty() ? "plugin " + d.name : cfg.where) + " (default pool)";
      cfg.pools.push_back(std::move(p));
    }
  }
  auto suffix = version_suffix(d.version);
  for (auto& p : cfg.pools)
    p.name += suffix;
  return cfg;
}

std::string domain_child_id(const domain_descriptor& d) {
  return d.name + version_suffix(d.version);
}

config::domain_config default_domain_config(const domain_descriptor& d) {
  config::domain_config cfg;
  cfg.name = d.name;
  return cfg;
}

} // namespace smith::domain
