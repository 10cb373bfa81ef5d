// Error codes of the plugin loader.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::plugin {

/// Why a plugin was refused or failed. The context is one string naming the file and, for
/// mismatches, both sides ("plugin has X, this node has Y").
enum class plugin_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// The path is not inside any configured plugin directory.
  outside_plugin_dirs,
  /// No such file, or dlopen failed (the dynamic loader's message is included).
  load_failed,
  /// The library does not export SMITH_PLUGIN_ENTRY_SYMBOL, or it returned null.
  missing_entry,
  /// ABI major differs, or the plugin's minor is newer than this node's.
  abi_mismatch,
  /// struct_size is not the size of the descriptor for the plugin's ABI minor.
  struct_size_mismatch,
  /// CAF version or compiler family/major differs.
  build_mismatch,
  /// A domain with the same name and major version is already loaded.
  duplicate,
  /// The plugin's register function failed (its message is included).
  init_failed,
  /// No loaded domain matches the name and version given.
  not_loaded,
  /// The domain cannot be unloaded now (it is starting or already unloading).
  busy,
  /// The plugin's version does not satisfy the version range asked for (both named).
  version_mismatch,
  /// The domain's supervisor did not start (the supervisor's reason is included).
  start_failed,
  /// The domain's supervisor did not stop within its deadline, or the node is not running.
  stop_failed,
  /// The node was built without a plugin host, or the domain is linked into the binary.
  not_unloadable,
  /// A version range matches more than one loaded version of the domain (all named).
  ambiguous,
  /// The plugin was compiled against SDK headers whose types have another layout than this
  /// node's (sdk_layout stamps differ; both named).
  sdk_layout_mismatch,
  /// The domain was unloaded, but not every other node confirmed within the deadline that its
  /// agents are gone from its registry (the nodes are named).
  unconfirmed,
};

/// Returns the name of `x` ("abi_mismatch", ...).
std::string to_string(plugin_errc x);

/// Renders plugin errors (for caf::actor_system_config::add_error_category, "smith_plg").
std::string render_plugin_error(uint8_t code, caf::atom_value, const caf::message& ctx);

/// The message of a plugin error (its string context), or CAF's rendering of any other error.
std::string message_of(const caf::error& err);

} // namespace smith::plugin

CAF_ERROR_CODE_ENUM(smith::plugin::plugin_errc, "smith_plg")
