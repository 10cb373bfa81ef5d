// CAF atoms of the Smith runtime (CAF 0.17: at most 10 characters each).
#pragma once

#include <caf/atom.hpp>

namespace smith {

// -- supervisor requests (OTP names, shortened to fit CAF's atom limit) -----
using start_child_atom = caf::atom_constant<caf::atom("startchild")>;
using terminate_child_atom = caf::atom_constant<caf::atom("termchild")>;
using restart_child_atom = caf::atom_constant<caf::atom("rstchild")>;
using delete_child_atom = caf::atom_constant<caf::atom("delchild")>;
using which_children_atom = caf::atom_constant<caf::atom("whichchld")>;
using count_children_atom = caf::atom_constant<caf::atom("countchld")>;
using get_child_atom = caf::atom_constant<caf::atom("getchild")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
/// Supervisor request: start a new child with the spec of an existing one under a new id.
using clone_child_atom = caf::atom_constant<caf::atom("clonechild")>;
/// Supervisor query: its supervisor_flags (strategy, intensity, period).
using sup_flags_atom = caf::atom_constant<caf::atom("supflags")>;

// -- supervisor-internal timers ----------------------------------------------
using shutdown_timeout_atom = caf::atom_constant<caf::atom("shuttmo")>;
using try_again_atom = caf::atom_constant<caf::atom("tryagain")>;
/// A child that reports its own exit (child_spec::reports_exit) tells its supervisor
/// (child_down, its address, its child id, its exit reason) in place of a monitor's down_msg.
using child_down_atom = caf::atom_constant<caf::atom("childdown")>;

// -- agent control (understood by every SDK agent) ---------------------------
using suspend_atom = caf::atom_constant<caf::atom("suspend")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using drain_deadline_atom = caf::atom_constant<caf::atom("draindl")>;
using beat_tick_atom = caf::atom_constant<caf::atom("beattick")>;
/// The event store's answer to an agent's persist (internal to the SDK).
using persisted_atom = caf::atom_constant<caf::atom("persisted")>;
// Memory operations on event-sourced agents (see agent_control).
using checkpoint_atom = caf::atom_constant<caf::atom("checkpoint")>;
using restore_atom = caf::atom_constant<caf::atom("restore")>;
using wipe_atom = caf::atom_constant<caf::atom("wipe")>;
using fork_atom = caf::atom_constant<caf::atom("fork")>;
/// Agent control: the agent's typed state as an agent_snapshot (admin inspect).
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;

// -- generic -----------------------------------------------------------------
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using ok_atom = caf::ok_atom;

} // namespace smith
