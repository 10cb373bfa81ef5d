// Process-wide logging setup (spdlog): text or JSON lines on stderr.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>

#include "runtime/config/node_config.hpp"

namespace spdlog::sinks {
class sink;
} // namespace spdlog::sinks

namespace smith::log {

/// Installs the default spdlog logger as `cfg` says: text ("2026-11-21
/// 12:00:00.123 info  message") or JSON lines ({"ts_us":<microseconds since
/// the epoch>,"level":..,"node":..,"msg":..}) with proper escaping. `node` is included in every line.
/// A line written while the thread handles a traced request (log::trace_scope) also carries
/// its trace id: ` trace=<32 hex digits>` at the end of a text line, `"trace_id":"<id>"` in
/// a JSON line. Errors: config_errc::invalid_value for an unknown level (the config
/// loader already refuses those).
caf::error setup_logging(const config::log_config& cfg, const std::string& node);

/// The same, writing to `sink` instead of stderr (tests capture a node's lines this way).
caf::error setup_logging(const config::log_config& cfg, const std::string& node,
                         std::shared_ptr<spdlog::sinks::sink> sink);

/// Escapes `text` for use inside a JSON string literal.
std::string json_escape(std::string_view text);

} // namespace smith::log
