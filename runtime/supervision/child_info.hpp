// Answers of which_children and count_children (OTP shapes).
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/supervision/child_spec.hpp"

namespace smith::supervision {

/// Run state of a child as which_children reports it.
enum class child_status : uint8_t {
  /// Running; `handle` is valid.
  running,
  /// Terminated and kept (OTP pid `undefined`); restart_child may start it.
  undefined,
  /// Waiting for a (delayed or retried) restart (OTP `restarting`).
  restarting,
  /// Being stopped by the supervisor.
  terminating,
};

/// One entry of which_children: OTP's {Id, Child, Type, Modules} plus counters.
struct child_info {
  std::string id;
  /// Current actor, or an invalid handle when not running.
  caf::actor handle;
  child_type type = child_type::worker;
  child_status status = child_status::undefined;
  restart_type restart = restart_type::permanent;
  /// 1 after the first start, +1 per restart.
  uint64_t incarnation = 0;
  /// Restarts of this child performed by this supervisor.
  uint64_t restarts = 0;
};

/// OTP count_children: specs, active, supervisors, workers.
struct child_counts {
  uint64_t specs = 0;
  uint64_t active = 0;
  uint64_t supervisors = 0;
  uint64_t workers = 0;
};

/// Renders a child status ("running", "undefined", ...).
const char* to_string(child_status x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_info& x) {
  return f(caf::meta::type_name("smith.child_info"), x.id, x.handle, x.type, x.status,
           x.restart, x.incarnation, x.restarts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_counts& x) {
  return f(caf::meta::type_name("smith.child_counts"), x.specs, x.active, x.supervisors,
           x.workers);
}

} // namespace smith::supervision
