// The dashboard's HTTP routes.
#include "tools/dashboard/dashboard_routes.hpp"

#include "tools/dashboard/dashboard_assets.hpp"

namespace smith::dashboard {

namespace {

/// A 200 answer with `body` of `type` that the browser must ask for again every time.
http::http_response dashboard_reply(std::string type, std::string body) {
  http::http_response r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

/// A route answering one embedded asset.
http::http_handler dashboard_asset(const char* type, std::string_view body) {
  return [type, body](const http::http_request&) {
    return dashboard_reply(type, std::string{body});
  };
}

std::string dashboard_dump(const nlohmann::json& j) {
  // Replace, never throw, on invalid UTF-8 (agent-provided text).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

void add_dashboard_routes(http::route_table& routes, std::shared_ptr<cluster_source> source,
                          std::string node) {
  routes.get("/", dashboard_asset("text/html; charset=utf-8", assets::index_html));
  routes.get("/index\\.html", dashboard_asset("text/html; charset=utf-8", assets::index_html));
  routes.get("/app\\.js", dashboard_asset("text/javascript; charset=utf-8", assets::app_js));
  routes.get("/app\\.css", dashboard_asset("text/css; charset=utf-8", assets::app_css));
  routes.get("/api/cluster", [source](const http::http_request&) {
    return dashboard_reply("application/json", dashboard_dump(source->snapshot()));
  });
  routes.get("/api/node", [node = nlohmann::json{{"node", std::move(node)}}](
                            const http::http_request&) {
    return dashboard_reply("application/json", dashboard_dump(node));
  });
}

} // namespace smith::dashboard
