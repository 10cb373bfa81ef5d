// What a node tells about one of its domains (node::domains(), load_domain()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace smith::actors {

/// Where a domain of a node stands.
enum class domain_state : uint8_t {
  /// Its supervisor runs (agents may be restarting within the supervisor's intensity).
  running = 1,
  /// Being unloaded: its agents refuse new work and finish what they accepted.
  draining,
  /// Its plugin did not load or its supervisor did not start; `error` says why. The node
  /// runs without it.
  failed,
};

/// "running", "draining", "failed".
const char* to_string(domain_state x);

/// One domain of a node.
struct domain_info {
  /// Domain name (a subject token).
  std::string name;
  /// SemVer of the loaded domain; empty when its plugin failed to load.
  std::string version;
  /// Canonical path of the plugin library; empty for a domain linked into the binary, the spec
  /// as given when the plugin failed to load.
  std::string plugin_path;
  domain_state state = domain_state::running;
  /// Agents running now on this node (0 when draining finished or failed).
  size_t agents = 0;
  /// Why the domain failed (empty otherwise).
  std::string error;
  /// Id of its supervisor under the root ("examples", "examples-v2").
  std::string supervisor;
};

} // namespace smith::actors
