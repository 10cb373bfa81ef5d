// Subject-token validation.
#include "runtime/core/token.hpp"

namespace smith {

namespace {

std::string describe_byte(unsigned char c) {
  static const char* hex = "0123456789abcdef";
  std::string out = "0x";
  out += hex[c >> 4];
  out += hex[c & 0xF];
  return out;
}

} // namespace

std::optional<std::string> token_error(std::string_view name) {
  if (name.empty())
    return "must not be empty";
  if (name.size() > max_token_length)
    return "is " + std::to_string(name.size()) + " bytes long; the limit is "
           + std::to_string(max_token_length);
  for (size_t i = 0; i < name.size(); ++i) {
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
