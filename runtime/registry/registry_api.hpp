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
#include "runtime/registry/registry_digest.hpp"

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
using apply_remote_atom = caf::atom_constant<caf::atom("applyrmt")>;
using remove_remote_atom = caf::atom_constant<caf::atom("removermt")>;
using drop_node_atom = caf::atom_constant<caf::atom("dropnode")>;
using replace_node_atom = caf::atom_constant<caf::atom("replnode")>;
using digest_atom = caf::atom_constant<caf::atom("digest")>;

/// Key under which the node's registry is published in CAF's actor registry
/// (`system().registry()`); restarts republish, so look it up per use.
inline constexpr caf::atom_value registry_name = caf::atom("smith.reg");

/// The registry (one per node). It holds this node's agents ("local") and the
/// cluster view: records of agents on other nodes ("remote"), which only the
/// replicator changes (apply_remote ... replace_node). Errors are
/// registry_errc values, and caf::sec::invalid_argument for a request aimed
/// at the wrong node (a local record where a remote one is required or the
/// reverse); every error leaves the registry unchanged.
/// - register(record) -> ok: adds a local agent (replacing an older local
///   instance of the same domain/name atomically; record.node empty or this
///   node); invalid_name, invalid_version, duplicate_instance, limit_exceeded,
///   invalid_argument (another node).
/// - deregister(instance) -> ok; unknown_agent, invalid_argument (remote).
/// - resolve(domain, name) or resolve(instance) -> the registered record
///   (by name: the local agent first, else the remote one of the lowest node
///   name); unknown_agent.
/// - discover(query) -> matches, highest version first; invalid_range.
/// - find_healthy(capability, range, round_robin) -> the least-loaded healthy
///   active match; invalid_range, no_candidate.
/// - list(filter) -> every matching record.
/// - watch(filter, subscriber) -> watch_ack (snapshot + sequence); `subscriber`
///   then receives watch_event messages in order until unwatch or its exit.
///   An event is sent when the record matches the filter before or after it.
/// - heartbeat(instance, load) -> ok; unknown_agent tells the agent to register
///   again (the registry restarted or dropped it); invalid_argument for a
///   remote instance (its node reports its health).
/// - state(instance, lifecycle) updates a record (unknown instances are counted
///   and ignored: the agent may be gone; so are remote ones).
/// - apply_remote(record) -> ok: inserts or updates a record of node
///   record.node (not this node). The handle is dropped: remote agents are
///   reached through the bridge, never monitored nor health-swept (their
///   health, state and load come from their node). Replaces an older instance
///   of the same domain/name on the same node. Events: registered, or for an
///   update health_changed (health differs) then updated (anything else
///   covered by the digest differs); a load-only change is applied silently.
///   invalid_name (empty or bad node, bad names), invalid_version,
///   invalid_argument (this node, or the instance is local).
/// - remove_remote(instance) -> ok: deregistered event; unknown_agent,
///   invalid_argument (a local instance).
/// - drop_node(node) -> how many records of `node` were removed (0 for an
///   unknown node), one deregistered event each; invalid_name, invalid_argument
///   (this node).
/// - replace_node(node, records) -> number of records added, removed or
///   changed: makes the view of `node` exactly `records` (records with an empty
///   node are taken as `node`'s), emitting events only for differences. All
///   records are checked first: invalid_name, invalid_version, invalid_argument
///   (this node, a record of another node, a duplicate instance or
///   domain/name in `records`, an instance that is local).
/// - digest(node) -> the digest of `node`'s records (this node's own agents
///   when `node` is this node; {0, 0} for an unknown node).
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
  caf::reacts_to<state_atom, std::string, agent::lifecycle_state>,
  caf::replies_to<apply_remote_atom, agent_record>::with<ok_atom>,
  caf::replies_to<remove_remote_atom, std::string>::with<ok_atom>,
  caf::replies_to<drop_node_atom, std::string>::with<uint64_t>,
  caf::replies_to<replace_node_atom, std::string, std::vector<agent_record>>::with<uint64_t>,
  caf::replies_to<digest_atom, std::string>::with<registry_digest>>;

/// Settings of a registry (from the node config's [registry] section).
struct registry_options {
  /// Node name stamped on records that do not carry one.
  std::string node = "node-1";
  /// Most local agents per domain (remote records do not count); 0 = unlimited.
  size_t max_agents_per_domain = 0;
  /// Interval at which heartbeating agents beat and health is checked.
  std::chrono::milliseconds heartbeat_interval{1000};
  /// Missed beats after which an agent is degraded ...
  uint32_t degraded_after = 2;
  /// ... and down (never returned by find_healthy).
  uint32_t down_after = 5;
};

/// How long the node's actors wait for a reply of the (local) registry, which answers in
/// microseconds; past this it is taken as gone (restarting) and the caller retries or logs.
inline constexpr std::chrono::seconds ask_timeout{5};

/// How long a watcher whose registry went away waits before watching its successor.
inline constexpr std::chrono::milliseconds rewatch_delay{200};

} // namespace smith::registry
