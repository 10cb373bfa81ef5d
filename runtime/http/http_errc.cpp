// Names and rendering of http error codes.
#include "runtime/http/http_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::http {

std::string to_string(http_errc x) {
  switch (x) {
    case http_errc::none: return "none";
    case http_errc::bind_failed: return "bind_failed";
    case http_errc::invalid_route: return "invalid_route";
    case http_errc::already_serving: return "already_serving";
    case http_errc::request_failed: return "request_failed";
  }
  return "unknown";
}

std::string render_http_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<http_errc>(code, ctx);
}

caf::error make_http_error(http_errc code, std::string what) {
  return caf::make_error(code, std::move(what));
}

} // namespace smith::http
