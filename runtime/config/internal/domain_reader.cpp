// Readers of [[domain]] and [[domain.pool]], including the uniqueness of their names.
#include "runtime/config/internal/section_readers.hpp"

#include <algorithm>
#include <optional>

#include "runtime/agent/version_range.hpp"

namespace smith::config::internal {

namespace {

constexpr std::string_view domain_header = "[[domain]]";
constexpr std::string_view pool_header = "[[domain.pool]]";

// Position of `key` itself (not its value): where a name "is defined". `key` must be present.
const toml::source_region& key_source(const toml::table& tbl, std::string_view key) {
  return tbl.find(key)->first.source();
}

// Remembers where each name was defined and reports the second definition of any.
class name_registry {
public:
  /// `what` names the kind of name, `scope` completes the message (" in domain 'x'").
  name_registry(toml_reader& r, std::string what, std::string scope)
    : r_(r), what_(std::move(what)), scope_(std::move(scope)) {
    // nop
  }

  void add(const std::string& name, const toml::source_region& where) {
    auto [first, added] = seen_.emplace(name, where);
    if (!added)
      r_.fail(config_errc::duplicate_name, where,
              "duplicate " + what_ + " '" + name + "'" + scope_ + " (first defined at "
                + toml_reader::line_col(first->second) + ")");
  }

private:
  toml_reader& r_;
  std::string what_;
  std::string scope_;
  std::map<std::string, toml::source_region> seen_;
};

// Where each domain name was defined, with the major its version range selects: a name may
// repeat only as versions side by side (each `plugin` + a `version` within one major, the
// majors' pool names distinct: 0 and 1 share theirs, see domain::version_suffix).
class domain_versions {
public:
  explicit domain_versions(toml_reader& r) : r_(r) {
    // nop
  }

  void add(const domain_config& d, const toml::table& tbl) {
    auto& seen = seen_[d.name];
    auto where = key_source(tbl, "name");
    auto slot = slot_of(d);
    for (auto& prev : seen) {
      if (!slot || !prev.slot) {
        r_.fail(config_errc::duplicate_name, where,
                "duplicate domain name '" + d.name + "' (first defined at "
                  + toml_reader::line_col(prev.where)
                  + "); two versions side by side need `plugin` and a `version` range "
                    "within one major each (\"^1\", \"^2\")");
        return;
      }
      if (*slot == *prev.slot) {
        r_.fail(config_errc::duplicate_name, tbl.find("version")->second.source(),
                "domain '" + d.name + "' major " + std::to_string(*slot) + " twice: version '"
                  + d.version + "' here and '" + prev.version + "' at "
                  + toml_reader::line_col(prev.where)
                  + (*slot == 1 ? " (majors 0 and 1 share their pool names)" : ""));
        return;
      }
    }
    seen.push_back({where, slot, d.version});
  }

private:
  struct entry {
    toml::source_region where;
    std::optional<uint64_t> slot;
    std::string version;
  };

  /// The major whose names `d` runs under (1 for majors 0 and 1), or none when `d` may select
  /// several majors (no plugin, no version, or a range spanning majors).
  static std::optional<uint64_t> slot_of(const domain_config& d) {
    if (d.plugin.empty() || d.version.empty())
      return std::nullopt;
    auto range = agent::version_range::parse(d.version);
    auto major = range ? agent::single_major(*range) : std::nullopt;
    if (!major)
      return std::nullopt;
    return std::max<uint64_t>(*major, 1);
  }

  toml_reader& r_;
  std::map<std::string, std::vector<entry>> seen_;
};

// The message of a version_range parse error (its string context).
std::string message_of_range(const caf::error& err) {
  auto& ctx = err.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                           : "invalid version range";
}

pool_config read_pool(toml_reader& r, const toml::table& tbl) {
  r.check_keys(tbl,
               {"agent", "name", "instances", "strategy", "intensity", "period_ms",
                "auto_shutdown", "restart", "shutdown", "mailbox_capacity", "backoff", "settings"},
               "in [[domain.pool]]");
  pool_config pool;
  r.require(tbl, "agent", pool_header);
  if (auto agent = r.token(tbl, "agent", "agent type")) {
    pool.agent = *agent;
    pool.where = r.position(tbl.find("agent")->second.source());
  }
  // An invalid name stays empty (no follow-up duplicate error); an absent one defaults to agent.
  pool.name = tbl.contains("name") ? r.token(tbl, "name", "pool name").value_or("") : pool.agent;
  if (auto instances = r.integer(tbl, "instances", 1, 100'000))
    pool.instances = static_cast<uint32_t>(*instances);
  read_supervisor_keys(r, tbl, pool.sup.flags);
  read_restart(r, tbl, pool.restart);
  read_shutdown(r, tbl, pool.shutdown);
  if (auto capacity = r.integer(tbl, "mailbox_capacity", 1, 10'000'000))
    pool.mailbox_capacity = static_cast<size_t>(*capacity);
  read_backoff(r, tbl, pool.backoff);
  read_settings(r, tbl, pool.settings, &pool.setting_sources);
  return pool;
}

std::vector<pool_config> read_pools(toml_reader& r, const toml::table& domain,
                                    const std::string& domain_name, bool from_plugin) {
  std::vector<pool_config> result;
  auto tables = r.tables(domain, "pool", pool_header);
  auto* pools = domain.get("pool");
  // A plugin declares default pools; a linked-in domain must be given its pools.
  if (!from_plugin && (!pools || (pools->is_array() && pools->as_array()->empty())))
    r.fail(config_errc::missing_key, domain.source(),
           std::string{domain_header} + " '" + domain_name + "' needs at least one "
             + std::string{pool_header});
  name_registry names{r, "pool name", " in domain '" + domain_name + "'"};
  for (auto* tbl : tables) {
    auto pool = read_pool(r, *tbl);
    if (!pool.name.empty())
      names.add(pool.name, key_source(*tbl, tbl->contains("name") ? "name" : "agent"));
    result.push_back(std::move(pool));
  }
  return result;
}

domain_config read_domain(toml_reader& r, const toml::table& tbl) {
  r.check_keys(tbl,
               {"name", "plugin", "version", "durability", "strategy", "intensity", "period_ms",
                "auto_shutdown", "restart", "shutdown", "pool"},
               "in [[domain]]");
  domain_config domain;
  r.require(tbl, "name", domain_header);
  if (auto name = r.token(tbl, "name", "domain name")) {
    domain.name = *name;
    domain.where = r.position(tbl.find("name")->second.source());
  }
  if (auto plugin = r.string(tbl, "plugin"))
    domain.plugin = *plugin;
  if (auto version = r.string(tbl, "version")) {
    if (auto range = agent::version_range::parse(*version); !range)
      r.fail(config_errc::invalid_value, tbl.find("version")->second.source(),
             "domain '" + domain.name + "': " + message_of_range(range.error()));
    else if (domain.plugin.empty())
      r.fail(config_errc::invalid_value, tbl.find("version")->second.source(),
             "domain '" + domain.name + "': 'version' needs 'plugin' (it selects the plugin)");
    domain.version = *version;
  }
  domain.durability = r.enumeration(tbl, "durability",
                                    {persistence::durability_mode::sync,
                                     persistence::durability_mode::group,
                                     persistence::durability_mode::none});
  read_supervisor_keys(r, tbl, domain.sup.flags);
  read_restart(r, tbl, domain.restart);
  read_shutdown(r, tbl, domain.shutdown);
  domain.pools = read_pools(r, tbl, domain.name, !domain.plugin.empty());
  return domain;
}

} // namespace

std::vector<domain_config> read_domains(toml_reader& r, const toml::table& doc) {
  std::vector<domain_config> result;
  domain_versions names{r};
  for (auto* tbl : r.tables(doc, "domain", domain_header)) {
    auto domain = read_domain(r, *tbl);
    if (!domain.name.empty())
      names.add(domain, *tbl);
    result.push_back(std::move(domain));
  }
  return result;
}

void read_plugins(toml_reader& r, const toml::table& doc, plugins_config& out) {
  auto* tbl = r.table(doc, "plugins");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"dirs"}, "in [plugins]");
  auto* dirs = tbl->get("dirs");
  if (!dirs)
    return;
  auto* arr = dirs->as_array();
  if (!arr) {
    r.fail(config_errc::wrong_type, dirs->source(),
           "[plugins] dirs must be an array of strings, got " + type_phrase(dirs->type()));
    return;
  }
  for (auto& d : *arr) {
    auto* s = d.as_string();
    if (!s || s->get().empty()) {
      r.fail(config_errc::wrong_type, d.source(),
             "[plugins] dirs entries must be non-empty strings, got "
               + (s ? std::string{"an empty string"} : type_phrase(d.type())));
      return;
    }
    out.dirs.push_back(s->get());
  }
}

} // namespace smith::config::internal
