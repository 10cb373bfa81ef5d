// Zero-copy conversions between std::string_view and rocksdb::Slice (storage internals).
#pragma once

#include <string_view>

#include <rocksdb/slice.h>

namespace smith::storage::internal {

/// A slice over `s`'s bytes; valid while `s` is.
inline rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}

/// A view over `s`'s bytes; valid while `s` is.
inline std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

} // namespace smith::storage::internal
