// Per-instance settings the runtime hands to an agent when it starts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <chrono>
#include <string>
#include <vector>

#include <memory>

#include "runtime/agent/agent_id.hpp"

namespace smith::agent {

struct journal_binding;

/// Something an agent can do, with an optional version and metadata.
struct capability {
  /// A subject token, e.g. "summarize".
  std::string name;
  /// SemVer of the capability (empty = the agent's version).
  std::string version;
  std::map<std::string, std::string> metadata;
};

/// Everything an agent instance is started with. Copied into the agent.
struct agent_config {
  agent_id id;
  /// Most user messages waiting at once; further requests get `overloaded`.
  size_t mailbox_capacity = 1024;
  /// 1 for the first start; the supervisor increments it on every restart.
  uint64_t incarnation = 1;
  /// Free-form settings from the node config ([[domain.pool]] settings).
  std::map<std::string, std::string> settings;
  /// What the agent offers; registered with the node's registry, if any.
  std::vector<capability> capabilities;
  /// Heartbeat period towards the registry; 0 = no heartbeats (always healthy).
  std::chrono::milliseconds heartbeat_interval{0};
  /// Node name for the registry record (empty = the registry's node).
  std::string node;
  /// Name of the agent type within its domain (agent_type::name, e.g. "echo"); it names the
  /// endpoint table the bridge uses for this agent. Empty when spawned without a type.
  std::string type;
  /// The node's event store and the domain's durability mode; null = the agent keeps no
  /// journal (persist() applies events at once). Shared by every agent of a node.
  std::shared_ptr<const journal_binding> journal;
};

} // namespace smith::agent
