// On-disk layout of the kv domain: the value record, the expiry index key and the counter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smith::kv {

/// Column family of the entries: key -> encode_record(version, expiry, value).
inline constexpr const char* entries_column = "kv";
/// Column family of the expiry index: expiry_key(expiry, key) -> "" for every entry with a TTL.
inline constexpr const char* expiry_column = "kv_expiry";
/// Column family of node-wide metadata: version_key -> the last version handed out.
inline constexpr const char* meta_column = "kv_meta";
/// Key of the version counter in meta_column.
inline constexpr const char* version_key = "version";

/// A decoded entry. `value` views the encoded string it was decoded from.
struct record {
  uint64_t version = 0;
  /// Unix time in nanoseconds at which the entry expires; 0 = never.
  int64_t expiry_ns = 0;
  std::string_view value;
};

/// Whether `r` has expired at Unix time `now_ns` (expiry at or before now).
inline bool expired(const record& r, int64_t now_ns) noexcept {
  return r.expiry_ns != 0 && r.expiry_ns <= now_ns;
}

/// 8 bytes, big-endian (so that encoded numbers sort like the numbers).
std::string encode_u64(uint64_t x);

/// The number encode_u64 wrote at the start of `in`; nullopt when `in` is shorter than 8 bytes.
std::optional<uint64_t> decode_u64(std::string_view in) noexcept;

/// version (8 bytes) | expiry_ns (8 bytes) | value.
std::string encode_record(uint64_t version, int64_t expiry_ns, std::string_view value);

/// The record in `in` (viewing it); nullopt when `in` is too short to be one (corruption).
std::optional<record> decode_record(std::string_view in) noexcept;

/// expiry_ns (8 bytes) | key: index entries sort by expiry, then key.
std::string expiry_key(int64_t expiry_ns, std::string_view key);

} // namespace smith::kv
