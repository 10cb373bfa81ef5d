// Error codes of the node's HTTP endpoint (runtime/http).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::http {

/// Errors of runtime/http. The context is one std::string naming the address or route.
enum class http_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// The listen address could not be bound (in use, not local, no permission).
  bind_failed,
  /// A route pattern is not a valid regular expression, or a mount directory does not exist.
  invalid_route,
  /// The server is already serving (routes are fixed once serve() was called).
  already_serving,
  /// A client request failed: connection refused, timeout, bad response.
  request_failed,
};

/// Returns the name of `x` ("bind_failed", ...).
std::string to_string(http_errc x);

/// Renders http errors (for caf::actor_system_config::add_error_category, atom "smith_http").
std::string render_http_error(uint8_t code, caf::atom_value, const caf::message& ctx);

/// An error of code `code` whose text is `what`.
caf::error make_http_error(http_errc code, std::string what);

} // namespace smith::http

CAF_ERROR_CODE_ENUM(smith::http::http_errc, "smith_http")
