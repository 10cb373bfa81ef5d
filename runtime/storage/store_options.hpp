// How a storage::store opens its RocksDB database, and reading those options from settings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace smith::storage {

/// Options of one store. Plain data; copied into the store.
struct store_options {
  /// Directory of the database; created (with its parents) when create_if_missing.
  std::string path;
  /// Column families to open besides RocksDB's "default"; created when missing. Column
  /// families already in the database but not listed are opened too (RocksDB refuses to
  /// open a database without all of them), and reachable by name.
  std::vector<std::string> column_families;
  /// Create the directory and the database when absent; else opening it fails (io_error or
  /// invalid_argument).
  bool create_if_missing = true;
  /// Default durability of writes: true = every write is fsynced before it returns.
  bool sync = false;
  /// Memtable size per column family in bytes; 0 = RocksDB's default (64 MiB).
  uint64_t write_buffer_bytes = 0;
  /// Most files RocksDB keeps open; -1 = unlimited.
  int max_open_files = -1;
  /// Block compression: "none", "snappy", "lz4", "zstd" (lowercase).
  std::string compression = "lz4";
};

/// Reads the storage keys of a settings map (config strings, e.g. a pool's settings) into
/// `base`, each key prefixed with `prefix` ("storage." gives "storage.sync"):
/// `sync` (true/false), `write_buffer_bytes` (integer >= 0), `max_open_files` (integer),
/// `compression` (see store_options::compression). Other keys are ignored. Errors:
/// storage_errc::invalid_argument naming the key and the bad value; `base` is unchanged.
caf::expected<store_options> options_from_settings(const std::map<std::string, std::string>& settings,
                                                   const std::string& prefix,
                                                   store_options base);

} // namespace smith::storage
