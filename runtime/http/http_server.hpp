// The node's HTTP endpoint: a cpp-httplib server on its own threads, serving a route_table.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/http/route_table.hpp"

namespace smith::http {

/// Reply of a client request (http_get).
struct http_reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// An HTTP server bound to one address. Requests are answered on the server's own worker
/// threads, never on CAF's scheduler. Not copyable; the destructor stops it and joins its
/// threads (requests being answered finish first). Thread-safe: address() and stop() may be
/// called from any thread.
class http_server {
public:
  /// Binds `host:port` (port 0 = a free port, see port()). Nothing is served until serve().
  /// Errors: http_errc::bind_failed naming the address (in use, not a local address).
  static caf::expected<std::unique_ptr<http_server>> bind(const std::string& host,
                                                          uint16_t port, uint32_t threads);

  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Installs `routes` and starts answering on a listener thread; routes are fixed from
  /// then on. Unknown paths get 404, a handler's exception 500. Errors: invalid_route (a
  /// pattern that is no valid regex, a mount whose directory is missing), already_serving.
  caf::error serve(const route_table& routes);

  /// Stops listening and joins the threads. Idempotent.
  void stop();

  /// The bound port (the chosen one when bound with port 0).
  uint16_t port() const noexcept { return port_; }

  /// "host:port" as bound ("127.0.0.1:41234", "[::1]:9464").
  std::string address() const;

private:
  struct impl;
  http_server(std::unique_ptr<impl> p, std::string host, uint16_t port);

  std::unique_ptr<impl> impl_;
  std::string host_;
  uint16_t port_;
};

/// GETs `path` from `host:port` (a blocking client, for tests and tools). Errors:
/// request_failed naming the URL and the cause (refused, timeout).
caf::expected<http_reply> http_get(const std::string& host, uint16_t port,
                                   const std::string& path,
                                   std::chrono::milliseconds timeout = std::chrono::seconds{5});

} // namespace smith::http
