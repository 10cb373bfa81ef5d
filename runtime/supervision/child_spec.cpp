// Names of child-spec enums in OTP's spelling.
#include "runtime/supervision/child_spec.hpp"

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message_id.hpp>

#include "runtime/core/atoms.hpp"
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

void report_child_exit(const caf::actor_addr& supervisor, const caf::actor_addr& child,
                       const std::string& id, const caf::error& reason,
                       caf::execution_unit* host) {
  // Anonymous and of normal priority, like the down_msg of a monitor.
  if (auto sup = caf::actor_cast<caf::strong_actor_ptr>(supervisor))
    sup->enqueue(nullptr, caf::make_message_id(),
                 caf::make_message(child_down_atom::value, child, id, reason), host);
}

void attach_child_exit_report(const caf::actor& child, const caf::actor& supervisor,
                              const std::string& id) {
  if (!child)
    return;
  child->attach_functor([sup = supervisor.address(), who = child.address(),
                         id](const caf::error& reason) {
    report_child_exit(sup, who, id, reason);
  });
}

} // namespace smith::supervision
