// NATS message headers as plain values, shared by the nats adapter and the bridge's wire code.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smith::nats {

/// Headers of one message in arrival order; a key may repeat (NATS allows it).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// The first value of `key` (NATS header keys are case-sensitive), or nullptr.
inline const std::string* find_header(const header_list& hs, std::string_view key) {
  for (auto& [k, v] : hs)
    if (k == key)
      return &v;
  return nullptr;
}

} // namespace smith::nats
