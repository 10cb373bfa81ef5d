// Builds the node's supervision tree (root -> domains -> pools -> agents) from its config.
#pragma once

#include <caf/expected.hpp>

#include "runtime/config/node_config.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors {

/// The root supervisor's spec for `cfg`: one child supervisor per domain
/// (restart/shutdown from the domain config), one pool supervisor per pool,
/// and `instances` agents named "<pool>-<i>" per pool. Every level is
/// validated here, before anything starts. Errors name the domain and pool:
/// an unknown domain or agent type (with what the catalog has), or an
/// invalid supervision setting (supervision_errc).
caf::expected<supervision::supervisor_spec>
build_root_spec(const config::node_config& cfg, const domain::domain_catalog& catalog,
                const supervision::supervisor_options& opts);

} // namespace smith::actors
