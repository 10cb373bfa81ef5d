// The dashboard's HTTP routes: the page (embedded in the binary) and its JSON API.
#pragma once

#include <memory>
#include <string>

#include "runtime/http/route_table.hpp"
#include "tools/dashboard/dashboard_data.hpp"

namespace smith::dashboard {

/// Adds the dashboard to `routes` (GET only; the page needs no install path):
/// - `/` (index.html), `/app.js`, `/app.css`: the page, embedded at build time;
/// - `/api/cluster`: `source->snapshot()` (see cluster_source::snapshot), never cached by
///   the browser; the page polls it once a second;
/// - `/api/node`: {"node": `node`}, the node serving the page.
/// `source` must not be null; the handlers share it and may run on several server threads.
void add_dashboard_routes(http::route_table& routes, std::shared_ptr<cluster_source> source,
                          std::string node);

} // namespace smith::dashboard
