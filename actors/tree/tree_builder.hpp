// Builds the node's supervision tree (root -> domains -> pools -> agents) from its config.
#pragma once

#include <memory>

#include <caf/expected.hpp>

#include "actors/admin/admin_hooks.hpp"
#include "runtime/bridge/nats_link.hpp"

#include "runtime/config/node_config.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors {

/// The root supervisor's spec for `cfg`: the registry, the bridge, then one child
/// supervisor per domain (restart/shutdown from the domain config), one pool supervisor
/// per pool, and `instances` agents per pool, named by agent_name(). Every level is
/// validated here, before anything starts. Errors name the domain and pool: an unknown
/// domain or agent type (with what the catalog has), or an invalid supervision setting
/// (supervision_errc). `link` (null without NATS) is shared by the bridge and the cluster
/// actors; `catalog` must outlive the tree. With a link, the admin service (smithctl) is a
/// child too, using `hooks` for domain management (actors/admin/admin_hooks.hpp).
caf::expected<supervision::supervisor_spec>
build_root_spec(const config::node_config& cfg, const domain::domain_catalog& catalog,
                const supervision::supervisor_options& opts,
                std::shared_ptr<bridge::nats_link> link = nullptr, admin_hooks hooks = {});

/// Name of agent `index` (1-based) of `pool`: "{pool}-{index}" on a single node, and
/// "{pool}-{node}-{index}" when the node joins a cluster (`[nats]` configured), so
/// every agent's direct subject is unique cluster-wide while the pool name (the
/// load-balanced subject) stays shared.
std::string agent_name(const config::node_config& cfg, const std::string& pool, uint32_t index);

} // namespace smith::actors
