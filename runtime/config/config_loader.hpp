// Loading smithd's TOML configuration into a validated node_config.
#pragma once

#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/config/node_config.hpp"

namespace smith::config {

/// Source name of the embedded default config, used in node_config::source and messages.
inline constexpr std::string_view embedded_source_name = "<embedded default>";

/// Loads and validates the config file at `path`. Returns the config (with
/// `source` = `path`) or a `config_errc` error whose context is one string,
/// "path:line:column: what was wrong". The first error in document order is
/// reported; nothing is returned unless the whole file is valid. Never throws;
/// thread-safe (no shared state).
caf::expected<node_config> load_config_file(const std::string& path);

/// Same as load_config_file for in-memory TOML `text`; `source_name` stands in
/// for the file name in messages and becomes node_config::source.
caf::expected<node_config> load_config_text(std::string_view text, const std::string& source_name);

/// The embedded default config as TOML text: node "node-1", the `examples`
/// domain with pool "echo" (agent "echo", 2 instances) and pool "counter"
/// (agent "counter", 1 instance), no NATS. Static storage; never fails.
std::string_view default_config_text();

/// Loads default_config_text() under the source name "<embedded default>".
caf::expected<node_config> load_default_config();

} // namespace smith::config
