// Builds the node's supervision tree (root -> domains -> pools -> agents) from its config.
#pragma once

#include <memory>

#include <caf/expected.hpp>

#include "actors/bridge/bridge_actor.hpp"
#include "actors/admin/admin_hooks.hpp"
#include "runtime/bridge/nats_link.hpp"

#include "runtime/config/node_config.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

/// The root supervisor's spec for `cfg`: the registry, the bridge, then one child
/// supervisor per domain (restart/shutdown from the domain config), one pool supervisor
/// per pool, and `instances` agents per pool, named by agent_name(). Every level is
/// validated here, before anything starts. Errors name the domain and pool: an unknown
/// domain or agent type (with what the catalog has), or an invalid supervision setting
/// (supervision_errc). `link` (null without NATS) is shared by the bridge and the cluster
/// actors; `catalog` must outlive the tree. With a link, the admin service (smithctl) is a
/// child too, using `hooks` for domain management (actors/admin/admin_hooks.hpp). With a
/// `store` (the node's event store), every pool's agents get a journal binding with their
/// domain's durability (`[[domain]] durability`, else `[persistence] durability`). With `dynamic`, the pools of plugin domains
/// (sections naming a `plugin`) are added to it rather than to the bridge's fixed routes, so
/// that unloading them removes their subscriptions.
caf::expected<supervision::supervisor_spec>
build_root_spec(const config::node_config& cfg, const domain::domain_catalog& catalog,
                const supervision::supervisor_options& opts,
                std::shared_ptr<bridge::nats_link> link = nullptr,
                std::shared_ptr<route_set> dynamic = nullptr, admin_hooks hooks = {},
                std::shared_ptr<persistence::event_store> store = nullptr);

/// The catalog's domain for section `d`: the highest version matching `d.version` for a plugin
/// section, the highest version otherwise; nullptr if none.
const domain::domain_descriptor* find_domain(const config::domain_config& d,
                                             const domain::domain_catalog& catalog);

/// Every `[[domain]]` of `cfg` bound to its catalog domain (domain::bind_domain: default pools
/// of plugins, version-suffixed pool names) after checking its settings against the domain's
/// schema. Errors: an unknown domain (agent_errc::invalid_name, naming what the catalog has)
/// or the schema check's config_errc ("file:line:column: ...").
caf::expected<std::vector<config::domain_config>>
bind_domains(const config::node_config& cfg, const domain::domain_catalog& catalog);

/// The root's child spec of one bound domain section (see bind_domains): a supervisor with id
/// domain::domain_child_id(desc), one pool supervisor per pool. Validated; errors name the
/// domain and pool.
caf::expected<supervision::child_spec> domain_child(const config::node_config& cfg,
                                                    const config::domain_config& bound,
                                                    const domain::domain_descriptor& desc,
                                                    const supervision::supervisor_options& opts,
                                                    std::shared_ptr<persistence::event_store> store
                                                    = nullptr);

/// Name of agent `index` (1-based) of `pool`: "{pool}-{index}" on a single node, and
/// "{pool}-{node}-{index}" when the node joins a cluster (`[nats]` configured), so
/// every agent's direct subject is unique cluster-wide while the pool name (the
/// load-balanced subject) stays shared.
std::string agent_name(const config::node_config& cfg, const std::string& pool, uint32_t index);

} // namespace smith::actors
