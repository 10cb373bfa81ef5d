// What an agent reports about itself: identity, lifecycle, counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "runtime/agent/agent_id.hpp"
#include "runtime/agent/lifecycle.hpp"

namespace smith::agent {

/// Per-incarnation counters maintained by the SDK.
struct agent_counters {
  /// User messages a handler consumed.
  uint64_t handled = 0;
  /// Handler exceptions plus unexpected messages.
  uint64_t errors = 0;
  /// Messages refused because the mailbox was full: requests (answered with
  /// overloaded) and asynchronous messages (dropped and logged).
  uint64_t rejected_overloaded = 0;
  /// Messages refused because the agent was draining (requests answered with draining).
  uint64_t rejected_draining = 0;
  /// Messages no handler matched.
  uint64_t unexpected = 0;
  /// Restarts of this agent by its supervisor (incarnation - 1).
  uint64_t restarts = 0;
  /// User messages waiting in the mailbox (including held ones).
  uint64_t mailbox_depth = 0;
  /// Text of the most recent error, empty if none.
  std::string last_error;
  /// Requests accepted (a handler ran on them) and not answered yet, e.g. held in a
  /// response promise while an event is persisted.
  uint64_t in_flight = 0;
};

/// Answer to `status`.
struct agent_status {
  agent_id id;
  lifecycle_state state = lifecycle_state::unregistered;
  uint64_t mailbox_capacity = 0;
  agent_counters counters;
  std::vector<lifecycle_transition> history;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_counters& x) {
  return f(caf::meta::type_name("smith.agent_counters"), x.handled, x.errors,
           x.rejected_overloaded, x.rejected_draining, x.unexpected, x.restarts, x.mailbox_depth,
           x.last_error, x.in_flight);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_status& x) {
  return f(caf::meta::type_name("smith.agent_status"), x.id, x.state, x.mailbox_capacity,
           x.counters, x.history);
}

} // namespace smith::agent
