// Error codes of the RocksDB storage adapter (runtime/storage).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace rocksdb {
class Status;
} // namespace rocksdb

namespace smith::storage {

/// Errors of runtime/storage. The context is one std::string: what was attempted (operation,
/// path, column family) and RocksDB's own text. A failed write changes nothing.
enum class storage_errc : uint8_t {
  /// Not an error.
  none = 0,
  /// RocksDB reported NotFound where something had to exist (a get reports absence as an
  /// empty optional instead).
  not_found,
  /// Data on disk is corrupt (checksum mismatch, bad manifest).
  corruption,
  /// The operation or option is not supported by this RocksDB build.
  not_supported,
  /// An argument or option was rejected (empty path, bad setting, unknown compression).
  invalid_argument,
  /// Filesystem I/O failed (also: the directory is not writable, disk full).
  io_error,
  /// The database is locked by another process or a write could not get its locks in time.
  busy,
  /// The operation was interrupted or only partly done (nothing is committed).
  incomplete,
  /// The database is shutting down.
  shutdown,
  /// A column family name is not open in this store.
  unknown_column_family,
  /// The store was closed (or moved from) before the call.
  closed,
  /// Anything else RocksDB reports.
  other,
  /// The filesystem is full (an io_error RocksDB marks as NoSpace). Writes fail and change
  /// nothing until space is freed.
  no_space,
};

/// Returns the name of `x` ("io_error", ...).
std::string to_string(storage_errc x);

/// Renders storage errors (for caf::actor_system_config::add_error_category, atom "smith_stor").
std::string render_storage_error(uint8_t code, caf::atom_value, const caf::message& ctx);

/// The storage_errc matching `s` (none for OK). This file is the only place where
/// rocksdb::Status is translated.
storage_errc to_storage_errc(const rocksdb::Status& s) noexcept;

/// An error for `s` whose text is "`what`: <RocksDB's text>", or an empty error for OK.
caf::error make_storage_error(const rocksdb::Status& s, std::string_view what);

/// An error of code `code` whose text is `what` (for errors found by the adapter itself).
caf::error make_storage_error(storage_errc code, std::string what);

} // namespace smith::storage

CAF_ERROR_CODE_ENUM(smith::storage::storage_errc, "smith_stor")
