// write_batch over rocksdb::WriteBatch.
#include "runtime/storage/write_batch.hpp"

#include <rocksdb/write_batch.h>

#include "runtime/storage/internal/slice.hpp"
#include "runtime/storage/store.hpp"

namespace smith::storage {

namespace {

using internal::slice;

} // namespace

write_batch::write_batch() : rep_(std::make_unique<rocksdb::WriteBatch>()) {
  // nop
}

write_batch::~write_batch() = default;
write_batch::write_batch(write_batch&&) noexcept = default;
write_batch& write_batch::operator=(write_batch&&) noexcept = default;

void write_batch::put(const column& cf, std::string_view key, std::string_view value) {
  // A Put into a WriteBatch only fails above 4 GiB per entry; store::write reports that.
  static_cast<void>(rep_->Put(cf.handle(), slice(key), slice(value)));
}

void write_batch::erase(const column& cf, std::string_view key) {
  static_cast<void>(rep_->Delete(cf.handle(), slice(key)));
}

size_t write_batch::size() const noexcept {
  return static_cast<size_t>(rep_->Count());
}

void write_batch::clear() {
  rep_->Clear();
}

} // namespace smith::storage
