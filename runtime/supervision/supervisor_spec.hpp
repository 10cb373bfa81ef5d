// Supervisor flags and the full specification a supervisor is started from (OTP sup_flags + children).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/supervision/child_spec.hpp"

namespace smith::supervision {

/// Which siblings are restarted along with a terminated child (OTP `strategy`).
enum class strategy {
  /// Only the terminated child.
  one_for_one,
  /// All children: the others are terminated in reverse start order first.
  one_for_all,
  /// The terminated child and every child started after it.
  rest_for_one,
};

/// When the exit of significant children shuts the supervisor down (OTP `auto_shutdown`).
enum class auto_shutdown { never, any_significant, all_significant };

/// OTP `sup_flags()`.
struct supervisor_flags {
  strategy strategy_ = strategy::one_for_one;
  /// At most this many restarts ...
  int intensity = 1;
  /// ... within this sliding window; more and the supervisor gives up.
  std::chrono::milliseconds period{5000};
  auto_shutdown auto_shutdown_ = auto_shutdown::never;
};

/// Children that differ in nothing but their ids, e.g. a pool of agents: child `ids[i]` is
/// `spec` with that id. A supervisor keeps one copy of `spec` for all of them, and the list
/// costs a string per child where as many child_specs would cost 160 bytes each (a pool may
/// list 100k children, and the spec stays held for as long as it may be started again).
struct child_group {
  /// Every field but `id` (ignored) applies to each child of the group.
  child_spec spec;
  /// The children's ids, in start order.
  std::vector<std::string> ids;
};

/// Everything a supervisor needs to start: its flags and its static children.
struct supervisor_spec {
  /// Slash-separated path used in events and logs, e.g. "root/examples".
  std::string path = "supervisor";
  supervisor_flags flags;
  /// Started in this order, stopped in reverse.
  std::vector<child_spec> children;
  /// Started after `children`, group after group, each in the order of its ids; stopped in
  /// reverse like them. Ids are unique across `children` and all groups.
  std::vector<child_group> groups;
};

/// Checks flags and every child spec as OTP does before starting anything.
/// Returns an empty error or a `supervision_errc` error whose context names
/// the offending child and field.
caf::error validate(const supervisor_spec& spec);

/// Checks one child spec against the supervisor's flags.
caf::error validate(const child_spec& child, const supervisor_flags& flags);

/// Renders a strategy in OTP's spelling.
const char* to_string(strategy x);
/// Renders auto_shutdown in OTP's spelling.
const char* to_string(auto_shutdown x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_flags& x) {
  return f(caf::meta::type_name("smith.supervisor_flags"), x.strategy_, x.intensity, x.period,
           x.auto_shutdown_);
}

} // namespace smith::supervision
