// A type-erased agent type: what a domain registers and a pool supervisor starts.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>

#include "runtime/agent/agent.hpp"
#include "runtime/supervision/child_spec.hpp"
#include "runtime/supervision/supervisor_spec.hpp"

namespace smith::agent {

struct endpoint_table;

/// An agent implementation that the runtime can instantiate by name.
struct agent_type {
  /// Type name within its domain, e.g. "counter".
  std::string name;
  /// SemVer 2.0 version of the implementation.
  std::string version;
  std::vector<capability> capabilities;
  /// Spawns one instance; never throws (exceptions inside count as failed starts).
  /// An agent_config converts to the agent_instance.
  std::function<caf::actor(caf::actor_system&, agent_instance)> spawn;
  /// The type's wire actions (runtime/agent/endpoint.hpp); null or empty = reachable
  /// in-process only. Shared and immutable.
  std::shared_ptr<const endpoint_table> endpoints;
};

/// Builds an agent_type from a typed behavior function, with optional wire endpoints
/// (validate() them first; the domain catalog does not).
template <class Iface, class State>
agent_type make_agent_type(std::string name, std::string version, std::vector<capability> caps,
                           typename agent_actor<Iface, State>::behavior_fn fn,
                           typename agent_actor<Iface, State>::hooks_type hooks = {},
                           std::shared_ptr<const endpoint_table> endpoints = nullptr) {
  using actor_type = agent_actor<Iface, State>;
  // One copy of the behavior function and hooks for every instance of the type.
  auto code = typename actor_type::code_ptr{
    caf::make_counted<typename actor_type::code>(std::move(fn), std::move(hooks))};
  auto spawn = [code](caf::actor_system& sys, agent_instance cfg) {
    return caf::actor_cast<caf::actor>(sys.spawn<actor_type>(std::move(cfg), code));
  };
  return {std::move(name), std::move(version), std::move(caps), std::move(spawn),
          std::move(endpoints)};
}

/// Supervision settings of agent instances (from the node config's pools).
struct instance_options {
  size_t mailbox_capacity = 1024;
  supervision::restart_type restart = supervision::restart_type::permanent;
  supervision::shutdown_spec shutdown;
  supervision::backoff_spec backoff;
  std::map<std::string, std::string> settings;
  std::chrono::milliseconds heartbeat_interval{0};
  std::string node;
  /// The node's event store for event-sourced agents (null = none); see agent_config.
  std::shared_ptr<const journal_binding> journal;
};

/// A child spec that starts agent `name` (a subject token) of `type` in
/// `domain`, with a fresh instance id per incarnation. Errors from id
/// validation are failed starts. The type and options are shared, not
/// copied: a pool of 100k agents holds one of each.
supervision::child_spec agent_child(std::shared_ptr<const agent_type> type, std::string domain,
                                    std::string name,
                                    std::shared_ptr<const instance_options> opts);

/// The children of a pool: agents `names` (in order) of `type` in `domain`, each started as
/// agent_child starts it, held by their supervisor as one spec (supervisor_spec::groups).
supervision::child_group agent_group(std::shared_ptr<const agent_type> type, std::string domain,
                                     std::vector<std::string> names,
                                     std::shared_ptr<const instance_options> opts);

/// Convenience overload for a single agent.
supervision::child_spec agent_child(agent_type type, std::string domain, std::string name,
                                    instance_options opts);

} // namespace smith::agent
