// The node's HTTP endpoint: binding, its own routes (/healthz, /readyz, /metrics), readiness.
#include <spdlog/spdlog.h>

#include "actors/node/event_logger.hpp"
#include "actors/node/node.hpp"
#include "actors/node/node_metrics.hpp"
#include "runtime/metrics/prom_writer.hpp"
#include "runtime/http/http_server.hpp"

namespace smith::actors {

caf::error node::bind_http() {
  auto& h = cfg_.http;
  if (!h.enabled)
    return {};
  auto server = http::http_server::bind(h.host, h.port, h.threads);
  if (!server)
    return std::move(server.error());
  http_ = std::move(*server);
  cfg_.http.port = http_->port(); // the tree (admin NodeInfo) sees the port actually bound
  http_address_ = http_->address();
  return {};
}

bool node::ready(std::string& why) const {
  if (requested_ || !running_) {
    why = requested_ ? "shutting down" : "the supervision tree is not running";
    return false;
  }
  if (!serving_) {
    why = "the agents are starting";
    return false;
  }
  if (link_ && !(link_->rpc->connected() && link_->bulk->connected())) {
    why = "NATS is not connected (" + std::to_string(cfg_.nats.urls.size())
          + " server URL(s) configured)";
    return false;
  }
  if (cfg_.persistence.enabled && !store_open_) {
    why = "the event store is not open";
    return false;
  }
  return true;
}

caf::error node::serve_http() {
  if (!http_)
    return {};
  http::route_table routes;
  routes.get("/healthz", [](const http::http_request&) {
    return http::http_response::text(200, "ok\n");
  });
  routes.get("/readyz", [this](const http::http_request&) {
    std::string why;
    if (ready(why))
      return http::http_response::text(200, "ready\n");
    return http::http_response::text(503, "not ready: " + why + "\n");
  });
  metrics_sources src{&sys_, cfg_.name, link_, store_, tally_,
                      [this](std::string& why) { return ready(why); }};
  routes.get("/metrics", [src](const http::http_request&) {
    http::http_response r;
    r.content_type = metrics::prom_content_type;
    r.body = render_metrics(src);
    return r;
  });
  for (auto& r : http_routes_.routes())
    routes.add(r);
  for (auto& m : http_routes_.mounts())
    routes.mount(m.prefix, m.dir);
  if (auto err = http_->serve(routes))
    return err;
  spdlog::info("node {}: http listening on {}", cfg_.name, http_address_);
  if (cfg_.http.allow_remote)
    spdlog::warn("node {}: [http] allow_remote is set: /metrics may be reachable from other "
                 "hosts",
                 cfg_.name);
  return {};
}

} // namespace smith::actors
