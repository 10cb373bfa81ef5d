// The RocksDB database behind an event store and its reads (internal to runtime/persistence).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <rocksdb/db.h>

#include "runtime/persistence/event_store.hpp"

namespace smith::persistence {

/// An open database with the store's column families. Reads are thread-safe (RocksDB).
struct event_db {
  /// Opens or creates the database at `opts.path` with `opts.env`, verifying every SST
  /// checksum first when opts.verify_on_open. Errors: storage errors.
  static caf::expected<std::unique_ptr<event_db>> open(const event_store_options& opts);

  ~event_db();

  /// Destroys the handles and closes the database; the first error. Idempotent.
  caf::error close();

  /// Last seq (at most `at_most`) stored in `cf` under `prefix` (events or snapshots), with
  /// its value when asked; read at `view` (null = latest).
  caf::expected<std::optional<std::pair<uint64_t, std::string>>>
  last_under(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix, bool with_value,
             const rocksdb::Snapshot* view = nullptr, uint64_t at_most = UINT64_MAX) const;

  /// The seq stored for `dedup_key`, nullopt when absent.
  caf::expected<std::optional<uint64_t>> find_dedup(const std::string& dedup_key) const;

  /// Events of `prefix` with seq > after, read at `view` (null = latest).
  caf::expected<std::vector<event>> scan_events(const std::string& prefix, uint64_t after,
                                                const rocksdb::Snapshot* view = nullptr) const;

  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots = nullptr;
  rocksdb::ColumnFamilyHandle* dedup = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  /// prefix + label -> u64 BE seq + state.
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;
  /// prefix + u64 BE unique time key -> encoded memory_op.
  rocksdb::ColumnFamilyHandle* ops = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
};

} // namespace smith::persistence
