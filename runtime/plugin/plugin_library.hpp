// One dlopen'ed domain plugin: its checked descriptor, its init, and when it may be closed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "runtime/domain/domain_descriptor.hpp"
#include "runtime/plugin/plugin_abi.h"

namespace smith::plugin {

/// A plugin's descriptor as the host keeps it (strings copied out of the library).
struct plugin_info {
  /// Canonical path of the library file.
  std::string path;
  std::string name;
  std::string version;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string caf_version;
  std::string compiler_id;
  std::string build_info;
  /// SDK layout stamp (see sdk_layout.hpp).
  uint64_t sdk_layout = 0;
};

/// This host's side of every check: ABI, CAF version and compiler id it was built with.
plugin_info host_info();

/// Size of smith_plugin_descriptor for ABI minor `minor` of this major (0 if unknown).
uint32_t descriptor_size_for(uint32_t minor);

/// Checks `d` (read from `path`) against this host: ABI major equal and minor not newer, the
/// struct size of that minor, CAF version, compiler id and SDK layout stamp equal (the stamp
/// as 16 hex digits, "plugin SDK layout 0x..., this node 0x..."), name a subject token, version
/// SemVer, a register function present. Errors are plugin_errc values naming `path` and both
/// sides ("plugin ABI 2.0, this node 1.0"). Pure: reads only the fields its minor has.
caf::error check_descriptor(const smith_plugin_descriptor* d, const std::string& path);

/// Resolves `spec` to the canonical path of a plugin file inside one of `dirs`: a path (it has
/// a '/') must resolve, symlinks followed, to a file inside a directory of `dirs`; a bare name
/// is looked up in `dirs` in order, as `libsmith_domain_{spec}.so`, then as given. Errors:
/// outside_plugin_dirs (naming the resolved path and the directories), load_failed (not found).
caf::expected<std::string> resolve_plugin_path(const std::string& spec,
                                               const std::vector<std::string>& dirs);

/// An open plugin library. Closes it (dlclose) on destruction unless keep_mapped() was called.
/// Everything created by the plugin's code (descriptors, actors, std::function targets) must
/// be destroyed before that: the owner (plugin_host) guarantees it.
class plugin_library {
public:
  /// dlopen()s the canonical `path` (RTLD_NOW | RTLD_LOCAL), finds the entry point and checks
  /// the descriptor. Errors: load_failed, missing_entry, abi_mismatch, struct_size_mismatch,
  /// build_mismatch, sdk_layout_mismatch, each naming the file. Nothing stays open on error.
  static caf::expected<std::unique_ptr<plugin_library>> open(const std::string& path);

  ~plugin_library();
  plugin_library(const plugin_library&) = delete;
  plugin_library& operator=(const plugin_library&) = delete;

  /// The checked descriptor, copied.
  const plugin_info& info() const noexcept { return info_; }

  /// Runs the plugin's register function. The result's name and version must equal the
  /// descriptor's. Errors: init_failed with the plugin's own message.
  caf::expected<domain::domain_descriptor> init() const;

  /// Never dlclose this library (something it created may still be referenced).
  void keep_mapped() noexcept { keep_ = true; }

private:
  plugin_library(void* handle, const smith_plugin_descriptor* d, plugin_info info);
  void* handle_;
  const smith_plugin_descriptor* descriptor_;
  plugin_info info_;
  bool keep_ = false;
};

} // namespace smith::plugin
