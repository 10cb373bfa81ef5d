// Names of config error codes.
#include "runtime/config/config_errc.hpp"

#include "runtime/core/errc_render.hpp"

#include <caf/message.hpp>

namespace smith::config {

std::string to_string(config_errc x) {
  switch (x) {
    case config_errc::none: return "none";
    case config_errc::file_not_found: return "file_not_found";
    case config_errc::syntax_error: return "syntax_error";
    case config_errc::unknown_key: return "unknown_key";
    case config_errc::wrong_type: return "wrong_type";
    case config_errc::out_of_range: return "out_of_range";
    case config_errc::invalid_value: return "invalid_value";
    case config_errc::duplicate_name: return "duplicate_name";
    case config_errc::missing_key: return "missing_key";
  }
  return "unknown";
}

std::string render_config_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<config_errc>(code, ctx);
}

} // namespace smith::config
