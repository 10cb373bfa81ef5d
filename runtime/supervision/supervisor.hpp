// The supervisor actor: starts, watches and restarts children with OTP's semantics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include "runtime/core/atoms.hpp"
#include "runtime/core/message_types.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/supervision/child_info.hpp"
#include "runtime/supervision/supervisor_event.hpp"
#include "runtime/supervision/supervisor_spec.hpp"

namespace smith::supervision {

/// Typed handle of a supervisor. Requests mirror OTP's supervisor API; errors
/// are `supervision_errc` values:
/// - start_child(spec) -> new child; invalid_spec, already_started, already_present, start_failed.
/// - terminate_child(id) -> ok once the child is gone; not_found.
/// - restart_child(id) -> new child; running, restarting, not_found, start_failed.
/// - delete_child(id) -> ok; running, restarting, not_found.
/// - which_children -> every child in start order (answered even while restarting).
/// - count_children -> OTP's counts.
/// - get_child(id) -> the current handle of a running child; not_found, restarting,
///   not_running.
/// - events -> the retained decisions, oldest first.
/// - sup_flags -> the supervisor's flags (for admin tools).
/// - clone_child(from, to) -> start_child with child `from`'s spec under id `to` (a fork of
///   an agent: the spec's start function names the agent after the id); not_found.
/// Mutating requests that arrive while a restart or shutdown is in progress are
/// answered after it completes. A supervisor that shuts down answers
/// `shutting_down`.
using supervisor_actor = caf::typed_actor<
  caf::replies_to<start_child_atom, child_spec>::with<caf::actor>,
  caf::replies_to<terminate_child_atom, std::string>::with<ok_atom>,
  caf::replies_to<restart_child_atom, std::string>::with<caf::actor>,
  caf::replies_to<delete_child_atom, std::string>::with<ok_atom>,
  caf::replies_to<which_children_atom>::with<std::vector<child_info>>,
  caf::replies_to<count_children_atom>::with<child_counts>,
  caf::replies_to<get_child_atom, std::string>::with<caf::actor>,
  caf::replies_to<events_atom>::with<std::vector<supervisor_event>>,
  caf::replies_to<sup_flags_atom>::with<supervisor_flags>,
  caf::replies_to<clone_child_atom, std::string, std::string>::with<caf::actor>>;

/// Tuning that is not part of OTP's spec.
struct supervisor_options {
  /// Receives every supervisor_event as an asynchronous message (optional).
  caf::actor event_sink;
  /// Number of events retained for the `events` query.
  size_t event_capacity = 512;
  /// Seed of the backoff jitter generator; 0 picks a random seed.
  uint64_t seed = 0;
  /// Address of the parent; its non-normal exit shuts this supervisor down.
  caf::actor_addr parent;
};

/// Validates `spec` and spawns a supervisor that starts its children in order.
/// Returns the validation error instead of spawning anything. The caller owns
/// the handle; send it an exit (`user_shutdown`) to stop the tree in reverse
/// start order. A supervisor that gives up exits with `user_shutdown` and the
/// context "reached_max_restart_intensity"; one whose initial start fails exits
/// with `supervision_errc::start_failed`.
caf::expected<supervisor_actor> spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                                                 supervisor_options opts = {});

/// A child spec that starts a nested supervisor (type supervisor, shutdown
/// infinity, restart permanent unless changed by the caller). The nested
/// supervisor's path is the parent's path plus "/" + id; options other than
/// `parent` are inherited from `opts`.
child_spec supervisor_child(std::string id, supervisor_spec spec, supervisor_options opts = {});

/// Renders an exit reason for humans ("normal", "shutdown: reached_max_restart_intensity", ...).
std::string describe_reason(caf::actor_system& sys, const caf::error& reason);

} // namespace smith::supervision
