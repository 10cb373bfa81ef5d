// Supervisor decisions as events: what each supervisor did, when, and why.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace smith::supervision {

/// Kind of a supervisor decision (mirrors smith.agent.v1.SupervisorEventKind).
enum class event_kind : uint8_t {
  child_started = 1,
  start_failed,
  child_exited,
  child_restarted,
  child_terminated,
  gave_up,
  escalated,
  auto_shutdown,
  restart_delayed,
};

/// One decision of one supervisor. Copyable value; safe to send between actors.
struct supervisor_event {
  event_kind kind = event_kind::child_started;
  /// Path of the deciding supervisor, e.g. "root/examples".
  std::string supervisor;
  /// Child concerned (empty for supervisor-wide events).
  std::string child_id;
  /// Exit reason or error text.
  std::string reason;
  /// Child incarnation after the decision.
  uint64_t incarnation = 0;
  /// Nanoseconds on the actor clock (monotonic, virtual under test).
  int64_t monotonic_ns = 0;
};

/// Returns the OTP-flavoured name of an event kind ("child_restarted", ...).
const char* to_string(event_kind x);

/// Renders an event as one human-readable line.
std::string to_string(const supervisor_event& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_event& x) {
  return f(caf::meta::type_name("smith.supervisor_event"), x.kind, x.supervisor,
           x.child_id, x.reason, x.incarnation, x.monotonic_ns);
}

} // namespace smith::supervision
