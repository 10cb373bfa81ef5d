// Error codes of agents and the agent SDK.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::agent {

/// Errors an agent (or the SDK on its behalf) replies with.
enum class agent_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// A domain or agent name is not a valid subject token.
  invalid_name,
  /// A version string is not SemVer 2.0.
  invalid_version,
  /// The requested lifecycle transition is not allowed from the current state.
  illegal_transition,
  /// The bounded mailbox is full; the request was not enqueued.
  overloaded,
  /// The agent is draining and accepts no new work.
  draining,
  /// A message handler threw; the agent terminated.
  handler_exception,
  /// The agent has no handler for the message.
  unexpected_message,
  /// The agent's on_start hook failed.
  start_failed,
  /// A memory operation (checkpoint, restore, wipe, fork) on an agent that keeps no journal
  /// or has no snapshot/restore hooks.
  no_journal,
};

/// Returns the name of `x` ("overloaded", ...).
std::string to_string(agent_errc x);

/// Renders agent errors (for caf::actor_system_config::add_error_category).
std::string render_agent_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::agent

CAF_ERROR_CODE_ENUM(smith::agent::agent_errc, "smith_agt")
