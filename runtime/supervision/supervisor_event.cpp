// Rendering of supervisor events.
#include "runtime/supervision/supervisor_event.hpp"

namespace smith::supervision {

const char* to_string(event_kind x) {
  switch (x) {
    case event_kind::child_started: return "child_started";
    case event_kind::start_failed: return "start_failed";
    case event_kind::child_exited: return "child_exited";
    case event_kind::child_restarted: return "child_restarted";
    case event_kind::child_terminated: return "child_terminated";
    case event_kind::gave_up: return "gave_up";
    case event_kind::escalated: return "escalated";
    case event_kind::auto_shutdown: return "auto_shutdown";
    case event_kind::restart_delayed: return "restart_delayed";
  }
  return "unknown";
}

std::string to_string(const supervisor_event& x) {
  std::string out = x.supervisor;
  out += ": ";
  out += to_string(x.kind);
  if (!x.child_id.empty()) {
    out += " child=";
    out += x.child_id;
    out += " incarnation=";
    out += std::to_string(x.incarnation);
  }
  if (!x.reason.empty()) {
    out += " reason=";
    out += x.reason;
  }
  return out;
}

} // namespace smith::supervision
