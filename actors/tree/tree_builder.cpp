// Translation of the node config into nested OTP supervisor specs.
#include "actors/tree/tree_builder.hpp"

#include "runtime/agent/journal.hpp"

#include "runtime/agent/agent_errc.hpp"
#include "actors/admin/admin_actor.hpp"
#include "actors/bridge/bridge_actor.hpp"
#include "actors/bridge/service_responder.hpp"
#include "actors/cluster/cluster_children.hpp"
#include "smith/version.hpp"
#include "actors/registry/registry_actor.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/domain/domain_binding.hpp"

namespace smith::actors {

namespace {

using supervision::supervisor_spec;

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none" : out;
}

const agent::agent_type* find_type(const domain::domain_descriptor& desc, const std::string& name) {
  for (auto& t : desc.agents)
    if (t.name == name)
      return &t;
  return nullptr;
}

/// The pool's settings, plus `data_dir` = the node's data_dir when the domain's schema declares
/// a `data_dir` key for the pool's agent type and the pool does not set it: how a domain that
/// stores data (kv) finds the node's data directory.
std::map<std::string, std::string> pool_settings(const config::node_config& cfg,
                                                 const domain::domain_descriptor& d,
                                                 const config::pool_config& p) {
  auto out = p.settings;
  for (auto& s : d.schema)
    if (s.key == "data_dir" && (s.agent.empty() || s.agent == p.agent))
      out.emplace("data_dir", cfg.data_dir);
  return out;
}

/// The journal binding of domain `d`'s agents: the node's store with the domain's durability.
std::shared_ptr<const agent::journal_binding>
journal_of(const config::node_config& cfg, const config::domain_config& d,
           const std::shared_ptr<persistence::event_store>& store) {
  if (!store)
    return nullptr;
  auto b = std::make_shared<agent::journal_binding>();
  b->store = store;
  b->mode = d.durability.value_or(cfg.persistence.durability);
  return b;
}

caf::expected<supervisor_spec> pool_spec(const config::node_config& cfg,
                                         const config::domain_config& d,
                                         const config::pool_config& p,
                                         const domain::domain_descriptor& desc,
                                         const std::string& path,
                                         std::shared_ptr<const agent::journal_binding> journal) {
  auto* type = find_type(desc, p.agent);
  if (type == nullptr) {
    std::vector<std::string> known;
    for (auto& t : desc.agents)
      known.push_back(t.name);
    return caf::make_error(agent::agent_errc::invalid_name,
                           p.where + ": domain '" + d.name + "' pool '" + p.name
                             + "': unknown agent type '"
                             + p.agent + "' (known: " + joined(known) + ")");
  }
  supervisor_spec spec{path, p.sup.flags, {}, {}};
  auto heartbeat = cfg.registry.heartbeat_interval;
  const auto& node_name = cfg.name;
  auto opts = std::make_shared<const agent::instance_options>(agent::instance_options{
    p.mailbox_capacity, p.restart, p.shutdown, p.backoff,
    pool_settings(cfg, desc, p), heartbeat, node_name, std::move(journal)});
  auto shared_type = std::make_shared<const agent::agent_type>(*type);
  std::vector<std::string> names;
  names.reserve(p.instances);
  for (uint32_t i = 1; i <= p.instances; ++i)
    names.push_back(agent_name(cfg, p.name, i));
  spec.groups.push_back(agent::agent_group(shared_type, d.name, std::move(names), opts));
  if (auto err = supervision::validate(spec))
    return err;
  return spec;
}

caf::expected<supervisor_spec> domain_spec(const config::node_config& cfg,
                                           const config::domain_config& d,
                                           const domain::domain_descriptor& desc,
                                           const supervision::supervisor_options& opts,
                                           const std::string& path,
                                           const std::shared_ptr<persistence::event_store>& store) {
  supervisor_spec spec{path, d.sup.flags, {}, {}};
  auto journal = journal_of(cfg, d, store);
  for (auto& p : d.pools) {
    auto ps = pool_spec(cfg, d, p, desc, path + "/" + p.name, journal);
    if (!ps)
      return std::move(ps.error());
    spec.children.push_back(supervision::supervisor_child(p.name, std::move(*ps), opts));
  }
  if (auto err = supervision::validate(spec))
    return err;
  return spec;
}

bridge_options bridge_options_of(const config::node_config& cfg,
                                 const domain::domain_catalog& catalog,
                                 std::shared_ptr<bridge::nats_link> link,
                                 std::shared_ptr<route_set> dynamic) {
  bridge_options out;
  out.node = cfg.name;
  out.link = std::move(link);
  out.catalog = &catalog;
  out.limits.max_payload = cfg.nats.max_payload;
  out.inline_dispatch.enabled = cfg.bridge.inline_dispatch;
  out.inline_dispatch.block_warn = cfg.bridge.inline_block_warn;
  out.inline_dispatch.max_jobs = cfg.bridge.inline_max_jobs;
  out.inline_one_way = cfg.bridge.inline_one_way;
  for (auto& d : cfg.domains) {
    if (dynamic && !d.plugin.empty()) {
      std::vector<service_pool> pools;
      for (auto& p : d.pools)
        pools.push_back({d.name, p.name, p.agent});
      dynamic->add(pools);
      continue;
    }
    out.domains.push_back(d.name);
    for (auto& p : d.pools)
      out.pools.emplace_back(d.name, p.name);
  }
  out.dynamic = std::move(dynamic);
  return out;
}

/// Plugin domains' pools are in `dynamic` (bridge_options_of put them there): the responder
/// reads them per request, so that loads and unloads show in INFO.
service_options service_options_of(const config::node_config& cfg,
                                   const domain::domain_catalog& catalog,
                                   std::shared_ptr<bridge::nats_link> link,
                                   const std::shared_ptr<route_set>& dynamic) {
  service_options out;
  out.node = cfg.name;
  out.link = std::move(link);
  out.catalog = &catalog;
  out.started = std::chrono::system_clock::now();
  for (auto& d : cfg.domains)
    if (!dynamic || d.plugin.empty())
      for (auto& p : d.pools)
        out.pools.push_back({d.name, p.name.empty() ? p.agent : p.name, p.agent});
  if (dynamic)
    out.dynamic_pools = [dynamic] { return dynamic->services(); };
  return out;
}

/// The cluster actors' options; plugin domains are announced from `dynamic` at every beat.
cluster::cluster_options cluster_options_of(const config::node_config& cfg,
                                            std::shared_ptr<bridge::nats_link> link,
                                            const std::shared_ptr<route_set>& dynamic) {
  cluster::cluster_options co{cfg.name, std::move(link), cfg.cluster, {}, smith::version_string,
                              {}, {}, true};
  for (auto& d : cfg.domains)
    if (!dynamic || d.plugin.empty())
      co.domains.push_back(d.name);
  if (dynamic)
    co.dynamic_domains = [dynamic] { return dynamic->domains(); };
  return co;
}

} // namespace

const domain::domain_descriptor* find_domain(const config::domain_config& d,
                                             const domain::domain_catalog& catalog) {
  return d.plugin.empty() && d.version.empty() ? catalog.find(d.name)
                                               : catalog.find(d.name, d.version);
}

caf::expected<std::vector<config::domain_config>>
bind_domains(const config::node_config& cfg, const domain::domain_catalog& catalog) {
  std::vector<config::domain_config> out;
  for (auto& d : cfg.domains) {
    auto* desc = find_domain(d, catalog);
    if (desc == nullptr)
      return caf::make_error(agent::agent_errc::invalid_name,
                             d.where + ": unknown domain '" + d.name
                               + (d.version.empty() ? "" : "' version '" + d.version)
                               + "' (known: " + joined(catalog.names()) + ")");
    if (auto err = domain::check_settings(d, *desc))
      return err;
    out.push_back(domain::bind_domain(d, *desc));
  }
  return out;
}

caf::expected<supervision::child_spec> domain_child(const config::node_config& cfg,
                                                    const config::domain_config& bound,
                                                    const domain::domain_descriptor& desc,
                                                    const supervision::supervisor_options& opts,
                                                    std::shared_ptr<persistence::event_store> store) {
  auto id = domain::domain_child_id(desc);
  auto ds = domain_spec(cfg, bound, desc, opts, "root/" + id, store);
  if (!ds)
    return std::move(ds.error());
  auto child = supervision::supervisor_child(id, std::move(*ds), opts);
  child.restart = bound.restart;
  child.shutdown = bound.shutdown;
  return child;
}

std::string agent_name(const config::node_config& cfg, const std::string& pool, uint32_t index) {
  if (cfg.nats.urls.empty())
    return pool + "-" + std::to_string(index);
  return pool + "-" + cfg.name + "-" + std::to_string(index);
}

caf::expected<supervisor_spec> build_root_spec(const config::node_config& unbound,
                                               const domain::domain_catalog& catalog,
                                               const supervision::supervisor_options& opts,
                                               std::shared_ptr<bridge::nats_link> link,
                                               std::shared_ptr<route_set> dynamic,
                                               admin_hooks hooks,
                                               std::shared_ptr<persistence::event_store> store) {
  auto bound = bind_domains(unbound, catalog);
  if (!bound)
    return std::move(bound.error());
  auto cfg = unbound;
  cfg.domains = std::move(*bound);
  supervisor_spec root{"root", cfg.root.flags, {}, {}};
  // First child: domains started after it can register with it.
  registry::registry_options reg{cfg.name, cfg.registry.max_agents_per_domain,
                                 cfg.registry.heartbeat_interval, cfg.registry.degraded_after,
                                 cfg.registry.down_after};
  root.children.push_back(registry_child(std::move(reg)));
  // Second: agents find it at start; it follows the registry to route NATS subjects.
  root.children.push_back(bridge_child(bridge_options_of(cfg, catalog, link, dynamic)));
  if (link) { // NATS service discovery ($SRV.*) for standard NATS tooling, then the cluster
    root.children.push_back(service_child(service_options_of(cfg, catalog, link, dynamic)));
    for (auto& child : cluster::cluster_children(cluster_options_of(cfg, link, dynamic)))
      root.children.push_back(std::move(child));
    // The admin service (smithctl) after the parts it queries.
    admin_options ao;
    ao.node = cfg.name;
    ao.link = link;
    ao.catalog = &catalog;
    ao.hooks = std::move(hooks);
    ao.http_address = http_address_of(cfg.http);
    ao.store = store;
    root.children.push_back(admin_child(std::move(ao)));
  }
  for (size_t i = 0; i < cfg.domains.size(); ++i) {
    auto child = domain_child(cfg, cfg.domains[i], *find_domain(unbound.domains[i], catalog), opts,
                              store);
    if (!child)
      return std::move(child.error());
    root.children.push_back(std::move(*child));
  }
  if (auto err = supervision::validate(root))
    return err;
  return root;
}

} // namespace smith::actors
