// Names of supervision error codes.
#include "runtime/supervision/supervision_errc.hpp"

#include "runtime/core/errc_render.hpp"

#include <caf/message.hpp>

namespace smith::supervision {

std::string to_string(supervision_errc x) {
  switch (x) {
    case supervision_errc::none: return "none";
    case supervision_errc::invalid_spec: return "invalid_spec";
    case supervision_errc::duplicate_child_id: return "duplicate_child_id";
    case supervision_errc::bad_combination: return "bad_combination";
    case supervision_errc::already_present: return "already_present";
    case supervision_errc::already_started: return "already_started";
    case supervision_errc::running: return "running";
    case supervision_errc::restarting: return "restarting";
    case supervision_errc::not_found: return "not_found";
    case supervision_errc::not_running: return "not_running";
    case supervision_errc::start_failed: return "start_failed";
    case supervision_errc::reached_max_restart_intensity: return "reached_max_restart_intensity";
    case supervision_errc::shutting_down: return "shutting_down";
  }
  return "unknown";
}

std::string render_supervision_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<supervision_errc>(code, ctx);
}

} // namespace smith::supervision
