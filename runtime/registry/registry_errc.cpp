// Names of registry error codes.
#include "runtime/registry/registry_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::registry {

std::string to_string(registry_errc x) {
  switch (x) {
    case registry_errc::none: return "none";
    case registry_errc::invalid_name: return "invalid_name";
    case registry_errc::invalid_version: return "invalid_version";
    case registry_errc::invalid_range: return "invalid_range";
    case registry_errc::duplicate_instance: return "duplicate_instance";
    case registry_errc::unknown_agent: return "unknown_agent";
    case registry_errc::limit_exceeded: return "limit_exceeded";
    case registry_errc::no_candidate: return "no_candidate";
  }
  return "unknown";
}

std::string render_registry_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<registry_errc>(code, ctx);
}

} // namespace smith::registry
