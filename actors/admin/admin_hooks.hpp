// What the admin service asks the node for domain management (load/unload/list plugins).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace smith::actors {

/// One domain version as the admin service reports it (admin.proto `Domain`).
struct admin_domain {
  std::string name;
  std::string version;
  std::vector<std::string> agent_types;
  /// "builtin", or the plugin path the domain was loaded from.
  std::string source;
  /// "running", "draining", "failed"; empty when the node does not track it.
  std::string state;
  /// Agents of the domain running on the node.
  uint32_t agents = 0;
  /// Why it failed (empty otherwise).
  std::string error;
};

/// Domain management, supplied by the node. Each function is blocking, callable from any
/// thread (the admin service calls them from its own worker threads, never from the
/// cooperative scheduler) and may be left empty:
/// - `domains` empty: the admin lists the node's domain catalog (source "builtin");
/// - `load_domain` / `unload_domain` empty: those requests are answered
///   ADMIN_ERROR_CODE_NOT_SUPPORTED ("domain load is not supported by node N").
/// Errors returned are passed to the client as ADMIN_ERROR_CODE_REFUSED with the node's
/// name, the spec or domain, and the error's rendered text.
struct admin_hooks {
  /// Every domain version the node runs or can run.
  std::function<std::vector<admin_domain>()> domains;
  /// Loads the plugin named by `spec` (a path); answers the domain it registered.
  std::function<caf::expected<admin_domain>(const std::string& spec)> load_domain;
  /// Unloads `name` at `version_or_range` (empty = the only version), letting its agents
  /// drain for at most `deadline`.
  std::function<caf::error(const std::string& name, const std::string& version_or_range,
                           std::chrono::milliseconds deadline)>
    unload_domain;
};

} // namespace smith::actors
