// A RocksDB database with named column families, owned by one object (the storage adapter).
//
// Usage:
//   auto db = storage::store::open({.path = dir, .column_families = {"kv"}});
//   if (!db) return db.error();
//   auto cf = db->find_column("kv");                 // caf::expected<column>
//   db->put(*cf, "k", "v");                          // caf::error
//   auto v = db->get(*cf, "k");                      // expected<optional<string>>
//   db->scan(*cf, "a", "b", [](auto k, auto v) { return true; });
//
// Every RocksDB failure comes back as a storage_errc error (storage_errc.hpp); nothing throws.
// Calls block on disk I/O: from actors, use a detached actor (never the cooperative scheduler).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/storage/store_options.hpp"
#include "runtime/storage/write_batch.hpp"

namespace rocksdb {
class ColumnFamilyHandle;
} // namespace rocksdb

namespace smith::storage {

/// A column family of an open store. A cheap, copyable reference; valid while its store is
/// open (using it after close() is undefined: the store checks only that it is open).
class column {
public:
  column() = default;
  explicit column(rocksdb::ColumnFamilyHandle* h) noexcept : h_(h) {}

  /// The RocksDB handle; for the adapter only.
  rocksdb::ColumnFamilyHandle* handle() const noexcept { return h_; }

  explicit operator bool() const noexcept { return h_ != nullptr; }

private:
  rocksdb::ColumnFamilyHandle* h_ = nullptr;
};

/// How durable a write is when it returns.
enum class durability : uint8_t {
  /// The store's default (store_options::sync).
  configured,
  /// In the OS page cache and the WAL: survives a process crash, not a power loss.
  buffered,
  /// fsynced: survives a power loss.
  sync,
};

/// Visitor of scan(): called per key in order; return false to stop.
using scan_visitor = std::function<bool(std::string_view key, std::string_view value)>;

/// An open RocksDB database. Move-only; one owner. Thread-safe for concurrent reads and
/// writes (RocksDB's guarantee), except open/close/move which need exclusive access.
/// The destructor closes the database (flushing nothing beyond what RocksDB's WAL holds).
class store {
public:
  /// Opens (or creates) the database at `opts.path` with its column families.
  /// Errors: invalid_argument (empty path, bad option), io_error, busy (another process
  /// holds the lock), corruption.
  static caf::expected<store> open(store_options opts);

  store() = default;
  ~store();
  store(store&&) noexcept;
  store& operator=(store&&) noexcept;

  /// Whether the store is open.
  bool is_open() const noexcept;

  /// The options it was opened with.
  const store_options& options() const;

  /// The column family `name` ("default" always exists). Errors: closed,
  /// unknown_column_family.
  caf::expected<column> find_column(std::string_view name) const;

  /// Names of every open column family, "default" first.
  std::vector<std::string> column_names() const;

  /// The value of `key`, or nullopt when absent. Errors: closed, io_error, corruption.
  caf::expected<std::optional<std::string>> get(const column& cf, std::string_view key) const;

  /// Sets `key` to `value`. Errors: closed, io_error, invalid_argument.
  caf::error put(const column& cf, std::string_view key, std::string_view value,
                 durability d = durability::configured);

  /// Removes `key` (no error when absent). Errors as put.
  caf::error erase(const column& cf, std::string_view key, durability d = durability::configured);

  /// Applies `batch` atomically; on error nothing of it is applied. The batch is kept.
  caf::error write(write_batch& batch, durability d = durability::configured);

  /// Visits the keys in [from, to) of `cf` in byte order (empty `to` = to the end) with a
  /// consistent snapshot, until `visit` returns false. Errors: closed, io_error, corruption.
  caf::error scan(const column& cf, std::string_view from, std::string_view to,
                  const scan_visitor& visit) const;

  /// Visits the keys of `cf` starting with `prefix`, in byte order (see scan).
  caf::error scan_prefix(const column& cf, std::string_view prefix,
                         const scan_visitor& visit) const;

  /// Flushes memtables and closes the database; later calls fail with `closed`. Idempotent.
  caf::error close();

private:
  struct impl;
  explicit store(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

/// The smallest key greater than every key starting with `prefix`, or "" when none exists
/// (prefix empty or all 0xff): the exclusive upper bound of a prefix scan.
std::string prefix_end(std::string_view prefix);

} // namespace smith::storage
