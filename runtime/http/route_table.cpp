// route_table and the request/response helpers.
#include "runtime/http/route_table.hpp"

namespace smith::http {

std::string http_request::param(const std::string& key, std::string fallback) const {
  auto i = params.find(key);
  return i == params.end() ? std::move(fallback) : i->second;
}

http_response http_response::text(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_response http_response::json(std::string body) {
  http_response r;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

void route_table::get(std::string pattern, http_handler handler) {
  routes_.push_back({"GET", std::move(pattern), std::move(handler)});
}

void route_table::post(std::string pattern, http_handler handler) {
  routes_.push_back({"POST", std::move(pattern), std::move(handler)});
}

void route_table::add(http_route route) {
  routes_.push_back(std::move(route));
}

void route_table::mount(std::string prefix, std::string dir) {
  mounts_.push_back({std::move(prefix), std::move(dir)});
}

} // namespace smith::http
