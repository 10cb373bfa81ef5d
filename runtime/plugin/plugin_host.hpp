// Loads domain plugins into a node's domain catalog and unloads them again.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "runtime/domain/domain_catalog.hpp"
#include "runtime/plugin/plugin_library.hpp"

namespace smith::plugin {

/// Owns the plugin libraries of one node. Thread-safe. Declare it after the catalog and before
/// the actor system: it must outlive every actor a plugin spawned, and the catalog must outlive
/// it (its destructor removes its domains from the catalog before closing the libraries).
class plugin_host {
public:
  /// `dirs`: the only directories plugins may be loaded from (see resolve_plugin_path).
  plugin_host(domain::domain_catalog& catalog, std::vector<std::string> dirs);
  ~plugin_host();
  plugin_host(const plugin_host&) = delete;
  plugin_host& operator=(const plugin_host&) = delete;

  /// Resolves `spec` (a domain name or a path) inside the plugin directories, opens and checks
  /// the library, refuses a domain whose name and major version the catalog already has
  /// (duplicate, naming both files or versions), runs the plugin's init and adds the domain to
  /// the catalog. Returns the plugin's info. Errors: plugin_errc (outside_plugin_dirs,
  /// load_failed, missing_entry, abi_mismatch, struct_size_mismatch, build_mismatch, duplicate,
  /// init_failed) or the catalog's validation error. On error nothing stays loaded.
  caf::expected<plugin_info> load(const std::string& spec);

  /// Removes domain `name` version `version` from the catalog, waits up to `grace` until every
  /// actor its code spawned has been destroyed, then closes the library. The caller must have
  /// stopped the domain's agents first. If actors are still referenced after `grace`, the
  /// library stays mapped (logged) and the domain is unloaded all the same. not_loaded if no
  /// plugin provides that domain version.
  caf::error unload(const std::string& name, const std::string& version,
                    std::chrono::milliseconds grace = std::chrono::seconds{5});

  /// Every loaded plugin, by domain name then version.
  std::vector<plugin_info> loaded() const;

  /// The plugin providing `name` `version`, if any.
  const plugin_info* find(const std::string& name, const std::string& version) const;

  /// The configured plugin directories.
  const std::vector<std::string>& dirs() const noexcept { return dirs_; }

private:
  struct entry;
  domain::domain_catalog& catalog_;
  std::vector<std::string> dirs_;
  mutable std::mutex mtx_;
  /// Key "name@version".
  std::map<std::string, std::unique_ptr<entry>> plugins_;
};

} // namespace smith::plugin
