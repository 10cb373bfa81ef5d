// Per-instance settings the runtime hands to an agent when it starts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "runtime/agent/agent_id.hpp"

namespace smith::agent {

/// Everything an agent instance is started with. Copied into the agent.
struct agent_config {
  agent_id id;
  /// Most user messages waiting at once; further requests get `overloaded`.
  size_t mailbox_capacity = 1024;
  /// 1 for the first start; the supervisor increments it on every restart.
  uint64_t incarnation = 1;
  /// Free-form settings from the node config ([[domain.pool]] settings).
  std::map<std::string, std::string> settings;
};

} // namespace smith::agent
