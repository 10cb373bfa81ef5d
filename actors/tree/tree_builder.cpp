// Translation of the node config into nested OTP supervisor specs.
#include "actors/tree/tree_builder.hpp"

#include "runtime/agent/agent_errc.hpp"
#include "actors/admin/admin_actor.hpp"
#include "actors/bridge/bridge_actor.hpp"
#include "actors/bridge/service_responder.hpp"
#include "actors/cluster/cluster_children.hpp"
#include "smith/version.hpp"
#include "actors/registry/registry_actor.hpp"
#include "runtime/agent/agent_type.hpp"

namespace smith::actors {

namespace {

using supervision::supervisor_spec;

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none" : out;
}

caf::expected<supervisor_spec> pool_spec(const config::node_config& cfg,
                                         const config::domain_config& d,
                                         const config::pool_config& p,
                                         const domain::domain_catalog& catalog,
                                         const std::string& path) {
  auto* type = catalog.find_agent(d.name, p.agent);
  if (type == nullptr) {
    std::vector<std::string> known;
    for (auto& t : catalog.find(d.name)->agents)
      known.push_back(t.name);
    return caf::make_error(agent::agent_errc::invalid_name,
                           p.where + ": domain '" + d.name + "' pool '" + p.name
                             + "': unknown agent type '"
                             + p.agent + "' (known: " + joined(known) + ")");
  }
  supervisor_spec spec{path, p.sup.flags, {}};
  auto heartbeat = cfg.registry.heartbeat_interval;
  const auto& node_name = cfg.name;
  auto opts = std::make_shared<const agent::instance_options>(agent::instance_options{
    p.mailbox_capacity, p.restart, p.shutdown, p.backoff, p.settings, heartbeat, node_name});
  auto shared_type = std::make_shared<const agent::agent_type>(*type);
  spec.children.reserve(p.instances);
  for (uint32_t i = 1; i <= p.instances; ++i)
    spec.children.push_back(
      agent::agent_child(shared_type, d.name, agent_name(cfg, p.name, i), opts));
  if (auto err = supervision::validate(spec))
    return err;
  return spec;
}

caf::expected<supervisor_spec> domain_spec(const config::node_config& cfg,
                                           const config::domain_config& d,
                                           const domain::domain_catalog& catalog,
                                           const supervision::supervisor_options& opts,
                                           const std::string& path) {
  if (catalog.find(d.name) == nullptr)
    return caf::make_error(agent::agent_errc::invalid_name,
                           d.where + ": unknown domain '" + d.name + "' (known: " + joined(catalog.names())
                             + ")");
  supervisor_spec spec{path, d.sup.flags, {}};
  for (auto& p : d.pools) {
    auto ps = pool_spec(cfg, d, p, catalog, path + "/" + p.name);
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
                                 std::shared_ptr<bridge::nats_link> link) {
  bridge_options out;
  out.node = cfg.name;
  out.link = std::move(link);
  out.catalog = &catalog;
  out.limits.max_payload = cfg.nats.max_payload;
  for (auto& d : cfg.domains) {
    out.domains.push_back(d.name);
    for (auto& p : d.pools)
      out.pools.emplace_back(d.name, p.name);
  }
  return out;
}

service_options service_options_of(const config::node_config& cfg,
                                   const domain::domain_catalog& catalog,
                                   std::shared_ptr<bridge::nats_link> link) {
  service_options out;
  out.node = cfg.name;
  out.link = std::move(link);
  out.catalog = &catalog;
  out.started = std::chrono::system_clock::now();
  for (auto& d : cfg.domains)
    for (auto& p : d.pools)
      out.pools.push_back({d.name, p.name.empty() ? p.agent : p.name, p.agent});
  return out;
}

} // namespace

std::string agent_name(const config::node_config& cfg, const std::string& pool, uint32_t index) {
  if (cfg.nats.urls.empty())
    return pool + "-" + std::to_string(index);
  return pool + "-" + cfg.name + "-" + std::to_string(index);
}

caf::expected<supervisor_spec> build_root_spec(const config::node_config& cfg,
                                               const domain::domain_catalog& catalog,
                                               const supervision::supervisor_options& opts,
                                               std::shared_ptr<bridge::nats_link> link,
                                               admin_hooks hooks) {
  supervisor_spec root{"root", cfg.root.flags, {}};
  // First child: domains started after it can register with it.
  registry::registry_options reg{cfg.name, cfg.registry.max_agents_per_domain,
                                 cfg.registry.heartbeat_interval, cfg.registry.degraded_after,
                                 cfg.registry.down_after};
  root.children.push_back(registry_child(std::move(reg)));
  // Second: agents find it at start; it follows the registry to route NATS subjects.
  root.children.push_back(bridge_child(bridge_options_of(cfg, catalog, link)));
  if (link) { // NATS service discovery ($SRV.*) for standard NATS tooling, then the cluster
    root.children.push_back(service_child(service_options_of(cfg, catalog, link)));
    cluster::cluster_options co{cfg.name, link, cfg.cluster, {}, smith::version_string, {}};
    for (auto& d : cfg.domains)
      co.domains.push_back(d.name);
    for (auto& child : cluster::cluster_children(std::move(co)))
      root.children.push_back(std::move(child));
    // The admin service (smithctl) after the parts it queries.
    admin_options ao;
    ao.node = cfg.name;
    ao.link = link;
    ao.catalog = &catalog;
    ao.hooks = std::move(hooks);
    root.children.push_back(admin_child(std::move(ao)));
  }
  for (auto& d : cfg.domains) {
    auto ds = domain_spec(cfg, d, catalog, opts, "root/" + d.name);
    if (!ds)
      return std::move(ds.error());
    auto child = supervision::supervisor_child(d.name, std::move(*ds), opts);
    child.restart = d.restart;
    child.shutdown = d.shutdown;
    root.children.push_back(std::move(child));
  }
  if (auto err = supervision::validate(root))
    return err;
  return root;
}

} // namespace smith::actors
