// Subject-token validation.
#include "runtime/core/token.hpp"

#include <array>

namespace smith {

namespace {

std::string describe_byte(unsigned char c) {
  static const char* hex = "0123456789abcdef";
  std::string out = "0x";
  out += hex[c >> 4];
  out += hex[c & 0xF];
  return out;
}

/// Bytes a token must not hold: '.', '*', '>', whitespace and control bytes. A table, because
/// every inbound agent message checks three tokens of its subject.
constexpr std::array<bool, 256> token_reserved_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c <= 0x20; ++c)
    t[static_cast<size_t>(c)] = true;
  t[0x7F] = t['.'] = t['*'] = t['>'] = true;
  return t;
}();

} // namespace

std::optional<std::string> token_error(std::string_view name) {
  if (name.empty())
    return "must not be empty";
  if (name.size() > max_token_length)
    return "is " + std::to_string(name.size()) + " bytes long; the limit is "
           + std::to_string(max_token_length);
  size_t first = 0;
  while (first < name.size() && !token_reserved_bytes[static_cast<unsigned char>(name[first])])
    ++first;
  for (size_t i = first; i < name.size(); ++i) { // only when a reserved byte was seen
    auto c = static_cast<unsigned char>(name[i]);
    if (c == '.' || c == '*' || c == '>')
      return std::string{"contains '"} + static_cast<char>(c) + "' at offset "
             + std::to_string(i) + " (reserved in NATS subjects)";
    if (c <= 0x20 || c == 0x7F)
      return "contains whitespace or control byte " + describe_byte(c) + " at offset "
             + std::to_string(i);
  }
  return std::nullopt;
}

} // namespace smith
