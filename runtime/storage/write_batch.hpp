// An atomic group of writes across a store's column families.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace rocksdb {
class WriteBatch;
} // namespace rocksdb

namespace smith::storage {

class column;

/// Puts and deletes applied together by store::write (all or nothing). Move-only; not
/// thread-safe. Columns must belong to the store the batch is written to.
class write_batch {
public:
  write_batch();
  ~write_batch();
  write_batch(write_batch&&) noexcept;
  write_batch& operator=(write_batch&&) noexcept;

  /// Adds "set `key` to `value` in `cf`".
  void put(const column& cf, std::string_view key, std::string_view value);

  /// Adds "remove `key` from `cf`" (no error if absent).
  void erase(const column& cf, std::string_view key);

  /// Number of operations added.
  size_t size() const noexcept;

  /// Removes every operation.
  void clear();

  /// The RocksDB batch; for the adapter (store.cpp) only.
  rocksdb::WriteBatch& rep() noexcept { return *rep_; }

private:
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

} // namespace smith::storage
