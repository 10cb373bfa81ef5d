// The RocksDB database behind an event store and its reads (internal to runtime/persistence).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <rocksdb/db.h>

#include "runtime/persistence/event_store.hpp"

namespace smith::persistence {

/// An open database with the store's column families. Reads are thread-safe (RocksDB) while
/// the reader holds read_lock(): the commit thread may reopen the database (reopen()).
struct event_db {
  /// Opens or creates the database at `opts.path` with `opts.env`, verifying every SST
  /// checksum first when opts.verify_on_open. Errors: storage errors.
  static caf::expected<std::unique_ptr<event_db>> open(const event_store_options& opts);

  ~event_db();

  /// Destroys the handles and closes the database; the first error. Idempotent.
  caf::error close();

  /// Closes and opens the database again, without verification, waiting for readers. Clears
  /// a fatal background error, which RocksDB 7.8 sets when a WAL write fails with EIO and
  /// which Resume() cannot clear. Only the commit thread calls it. On failure `db` is null
  /// (the store reports closed) and the next call tries again.
  rocksdb::Status reopen();

  /// Held by every reader on a thread other than the commit thread, for the read's duration.
  std::shared_lock<std::shared_mutex> read_lock() const { return std::shared_lock{gate_}; }

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

private:
  /// Opens the database at options_.path into this object (db null before).
  rocksdb::Status open_here();
  caf::error close_here();

  event_store_options options_;
  mutable std::shared_mutex gate_;
};

} // namespace smith::persistence
