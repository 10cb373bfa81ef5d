// Big-endian key encoding of the event store.
#include "runtime/persistence/event_keys.hpp"

namespace smith::persistence {

std::string agent_prefix(std::string_view agent) {
  std::string out;
  out.reserve(2 + agent.size() + 8);
  out.push_back(static_cast<char>((agent.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(agent.size() & 0xff));
  out.append(agent);
  return out;
}

std::string encode_u64(uint64_t x) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(x & 0xff);
    x >>= 8;
  }
  return out;
}

std::string seq_key(std::string_view prefix, uint64_t seq) {
  std::string out;
  out.reserve(prefix.size() + 8);
  out.append(prefix);
  out.append(encode_u64(seq));
  return out;
}

std::string prefix_end(std::string_view prefix) {
  std::string out{prefix};
  while (!out.empty() && static_cast<uint8_t>(out.back()) == 0xff)
    out.pop_back();
  if (!out.empty())
    out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) + 1);
  return out;
}

std::optional<uint64_t> decode_u64_tail(std::string_view bytes) {
  if (bytes.size() < 8)
    return std::nullopt;
  uint64_t x = 0;
  for (auto c : bytes.substr(bytes.size() - 8))
    x = (x << 8) | static_cast<uint8_t>(c);
  return x;
}

} // namespace smith::persistence
