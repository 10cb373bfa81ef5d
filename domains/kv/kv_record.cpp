// On-disk encodings of the kv domain.
#include "domains/kv/kv_record.hpp"

namespace smith::kv {

std::string encode_u64(uint64_t x) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, x >>= 8)
    out[static_cast<size_t>(i)] = static_cast<char>(x & 0xff);
  return out;
}

std::optional<uint64_t> decode_u64(std::string_view in) noexcept {
  if (in.size() < 8)
    return std::nullopt;
  uint64_t x = 0;
  for (size_t i = 0; i < 8; ++i)
    x = (x << 8) | static_cast<unsigned char>(in[i]);
  return x;
}

std::string encode_record(uint64_t version, int64_t expiry_ns, std::string_view value) {
  std::string out;
  out.reserve(16 + value.size());
  out += encode_u64(version);
  out += encode_u64(static_cast<uint64_t>(expiry_ns));
  out += value;
  return out;
}

std::optional<record> decode_record(std::string_view in) noexcept {
  auto version = decode_u64(in);
  auto expiry = in.size() >= 16 ? decode_u64(in.substr(8)) : std::nullopt;
  if (!version || !expiry)
    return std::nullopt;
  return record{*version, static_cast<int64_t>(*expiry), in.substr(16)};
}

std::string expiry_key(int64_t expiry_ns, std::string_view key) {
  auto out = encode_u64(static_cast<uint64_t>(expiry_ns));
  out += key;
  return out;
}

} // namespace smith::kv
