// Names of child-spec enums in OTP's spelling.
#include "runtime/supervision/child_spec.hpp"

#include "runtime/supervision/child_info.hpp"

namespace smith::supervision {

const char* to_string(restart_type x) {
  switch (x) {
    case restart_type::permanent: return "permanent";
    case restart_type::transient: return "transient";
    case restart_type::temporary: return "temporary";
  }
  return "unknown";
}

const char* to_string(child_type x) {
  switch (x) {
    case child_type::worker: return "worker";
    case child_type::supervisor: return "supervisor";
  }
  return "unknown";
}

std::string to_string(const shutdown_spec& x) {
  switch (x.kind) {
    case shutdown_spec::mode::brutal_kill: return "brutal_kill";
    case shutdown_spec::mode::infinity: return "infinity";
    case shutdown_spec::mode::timeout: return std::to_string(x.timeout.count());
  }
  return "unknown";
}

const char* to_string(child_status x) {
  switch (x) {
    case child_status::running: return "running";
    case child_status::undefined: return "undefined";
    case child_status::restarting: return "restarting";
    case child_status::terminating: return "terminating";
  }
  return "unknown";
}

} // namespace smith::supervision
