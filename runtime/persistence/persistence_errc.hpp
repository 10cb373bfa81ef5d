// Error codes of the event store (runtime/persistence).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace smith::persistence {

/// Errors found by the event store itself; RocksDB failures are storage_errc errors
/// (runtime/storage/storage_errc.hpp). Nothing is written when one is returned.
enum class persistence_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// Empty agent key, agent key or message id too long, bad option.
  invalid_argument,
  /// The commit queue is full: the append was refused, not queued (retry later).
  queue_full,
  /// The store is closed or closing.
  closed,
  /// A snapshot claims a sequence number beyond the agent's last event.
  bad_snapshot,
  /// Stored data does not decode (wrong key or value size).
  bad_record,
  /// No checkpoint with that label exists for the agent.
  unknown_checkpoint,
};

/// persistence_errc::closed, "event store is closed".
caf::error closed_error();

/// persistence_errc::invalid_argument with `what` as its text.
caf::error invalid_argument_error(std::string what);

/// Returns the name of `x` ("queue_full", ...).
std::string to_string(persistence_errc x);

/// Renders persistence errors (for caf::actor_system_config::add_error_category, atom
/// "smith_pers").
std::string render_persistence_error(uint8_t code, caf::atom_value, const caf::message& ctx);

} // namespace smith::persistence

CAF_ERROR_CODE_ENUM(smith::persistence::persistence_errc, "smith_pers")
