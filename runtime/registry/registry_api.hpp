// The registry actor's typed interface: what agents, the bridge and tools may ask it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "runtime/core/atoms.hpp"
#include "runtime/registry/agent_record.hpp"

namespace smith::registry {

using register_atom = caf::atom_constant<caf::atom("register")>;
using deregister_atom = caf::atom_constant<caf::atom("dereg")>;
using resolve_atom = caf::atom_constant<caf::atom("resolve")>;
using discover_atom = caf::atom_constant<caf::atom("discover")>;
using find_healthy_atom = caf::atom_constant<caf::atom("findhlthy")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using state_atom = caf::atom_constant<caf::atom("agentstate")>;

/// Key under which the node's registry is published in CAF's actor registry
/// (`system().registry()`); restarts republish, so look it up per use.
inline constexpr caf::atom_value registry_name = caf::atom("smith.reg");

/// The registry (one per node). Errors are registry_errc values.
/// - register(record) -> ok: adds the agent (replacing an older instance of
///   the same domain/name atomically); invalid_name, invalid_version,
///   duplicate_instance, limit_exceeded.
/// - deregister(instance) -> ok; unknown_agent.
/// - resolve(domain, name) or resolve(instance) -> the registered record; unknown_agent.
/// - discover(query) -> matches, highest version first; invalid_range.
/// - find_healthy(capability, range, round_robin) -> the least-loaded healthy
///   active match; invalid_range, no_candidate.
/// - list(filter) -> every matching record.
/// - watch(filter, subscriber) -> watch_ack (snapshot + sequence); `subscriber`
///   then receives watch_event messages in order until unwatch or its exit.
///   An event is sent when the record matches the filter before or after it.
/// - heartbeat(instance, load) -> ok; unknown_agent tells the agent to register
///   again (the registry restarted or dropped it).
/// - state(instance, lifecycle) updates a record (unknown instances are counted
///   and ignored: the agent may be gone).
using registry_actor = caf::typed_actor<
  caf::replies_to<register_atom, agent_record>::with<ok_atom>,
  caf::replies_to<deregister_atom, std::string>::with<ok_atom>,
  caf::replies_to<resolve_atom, std::string, std::string>::with<agent_record>,
  caf::replies_to<resolve_atom, std::string>::with<agent_record>,
  caf::replies_to<discover_atom, discover_query>::with<discover_result>,
  caf::replies_to<find_healthy_atom, std::string, std::string, bool>::with<agent_record>,
  caf::replies_to<list_atom, record_filter>::with<std::vector<agent_record>>,
  caf::replies_to<watch_atom, record_filter, caf::actor>::with<watch_ack>,
  caf::reacts_to<unwatch_atom, caf::actor>,
  caf::replies_to<heartbeat_atom, std::string, load_info>::with<ok_atom>,
  caf::reacts_to<state_atom, std::string, agent::lifecycle_state>>;

/// Settings of a registry (from the node config's [registry] section).
struct registry_options {
  /// Node name stamped on records that do not carry one.
  std::string node = "node-1";
  /// Most agents per domain; 0 = unlimited.
  size_t max_agents_per_domain = 0;
  /// Interval at which heartbeating agents beat and health is checked.
  std::chrono::milliseconds heartbeat_interval{1000};
  /// Missed beats after which an agent is degraded ...
  uint32_t degraded_after = 2;
  /// ... and down (never returned by find_healthy).
  uint32_t down_after = 5;
};

} // namespace smith::registry
