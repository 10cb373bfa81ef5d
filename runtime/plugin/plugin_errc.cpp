// Names of plugin error codes.
#include "runtime/plugin/plugin_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::plugin {

std::string to_string(plugin_errc x) {
  switch (x) {
    case plugin_errc::none: return "none";
    case plugin_errc::outside_plugin_dirs: return "outside_plugin_dirs";
    case plugin_errc::load_failed: return "load_failed";
    case plugin_errc::missing_entry: return "missing_entry";
    case plugin_errc::abi_mismatch: return "abi_mismatch";
    case plugin_errc::struct_size_mismatch: return "struct_size_mismatch";
    case plugin_errc::build_mismatch: return "build_mismatch";
    case plugin_errc::duplicate: return "duplicate";
    case plugin_errc::init_failed: return "init_failed";
    case plugin_errc::not_loaded: return "not_loaded";
    case plugin_errc::busy: return "busy";
    case plugin_errc::version_mismatch: return "version_mismatch";
    case plugin_errc::start_failed: return "start_failed";
    case plugin_errc::stop_failed: return "stop_failed";
    case plugin_errc::not_unloadable: return "not_unloadable";
    case plugin_errc::ambiguous: return "ambiguous";
    case plugin_errc::sdk_layout_mismatch: return "sdk_layout_mismatch";
    case plugin_errc::unconfirmed: return "unconfirmed";
  }
  return "unknown";
}

std::string render_plugin_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<plugin_errc>(code, ctx);
}

std::string message_of(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

} // namespace smith::plugin
