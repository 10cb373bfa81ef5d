// The routes of the node's HTTP endpoint: plain request/response types and handlers.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace smith::http {

/// What a handler sees of a request.
struct http_request {
  /// "GET", "POST", ...
  std::string method;
  /// The path without the query ("/api/agents/echo-1").
  std::string path;
  /// The regex captures of the route pattern; matches[0] is the whole path.
  std::vector<std::string> matches;
  /// Query parameters (a key may repeat).
  std::multimap<std::string, std::string> params;
  /// Request headers (keys as sent).
  std::multimap<std::string, std::string> headers;
  /// The request body (empty for GET).
  std::string body;

  /// The first value of query parameter `key`, or `fallback` when absent.
  std::string param(const std::string& key, std::string fallback = {}) const;
};

/// What a handler answers.
struct http_response {
  /// HTTP status code.
  int status = 200;
  /// Content-Type header.
  std::string content_type = "text/plain; charset=utf-8";
  /// Body.
  std::string body;
  /// Extra headers (e.g. Cache-Control).
  std::vector<std::pair<std::string, std::string>> headers;

  /// A `status` response with a plain-text `body`.
  static http_response text(int status, std::string body);
  /// A 200 response with a JSON `body` (application/json).
  static http_response json(std::string body);
};

/// A route handler. Runs on one of the server's worker threads (never on an actor's
/// thread): it may block, e.g. on a scoped_actor request, but must bound every wait with a
/// timeout. An exception it throws is answered 500 with its what().
using http_handler = std::function<http_response(const http_request&)>;

/// One route: method, pattern (ECMAScript regex matched against the whole path), handler.
struct http_route {
  std::string method;
  std::string pattern;
  http_handler handler;
};

/// A static-file mount: URL prefix and directory.
struct http_mount {
  std::string prefix;
  std::string dir;
};

/// The routes and mounts a server serves. Plain data; fill it before http_server::serve().
/// Routes are tried in the order added; the first whose pattern matches wins.
class route_table {
public:
  /// Adds a GET route, e.g. get("/api/agents/([^/]+)", ...).
  void get(std::string pattern, http_handler handler);
  /// Adds a POST route.
  void post(std::string pattern, http_handler handler);
  /// Serves the files under `dir` at URL prefix `prefix` ("/" or "/static"); checked by
  /// serve() (invalid_route when `dir` does not exist).
  void mount(std::string prefix, std::string dir);
  /// Appends an already built route (e.g. one copied from another table).
  void add(http_route route);

  const std::vector<http_route>& routes() const noexcept { return routes_; }
  const std::vector<http_mount>& mounts() const noexcept { return mounts_; }

private:
  std::vector<http_route> routes_;
  std::vector<http_mount> mounts_;
};

} // namespace smith::http
