// Key layout of the event store's column families (see docs/persistence.md).
//
// agent prefix = u16 big-endian length of the agent key + the key bytes, so that the prefix of
// "a" never matches "ab". events:    prefix + u64 BE seq  -> payload
//                                   snapshots: prefix + u64 BE seq  -> state
//                                   dedup:     prefix + msg id      -> u64 BE seq
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smith::persistence {

/// Longest agent key (bytes) and message id accepted.
inline constexpr size_t max_agent_key = 1024;
inline constexpr size_t max_msg_id = 1024;

/// The prefix every key of `agent` starts with. Precondition: 0 < size <= max_agent_key.
std::string agent_prefix(std::string_view agent);

/// prefix + big-endian `seq`: byte order equals numeric order.
std::string seq_key(std::string_view prefix, uint64_t seq);

/// The smallest key greater than every key starting with `prefix` (for range deletes).
/// Precondition: `prefix` is an agent prefix (never all 0xff bytes).
std::string prefix_end(std::string_view prefix);

/// 8 big-endian bytes of `x`.
std::string encode_u64(uint64_t x);

/// The big-endian number in the last 8 bytes of `bytes`, or nullopt when shorter.
std::optional<uint64_t> decode_u64_tail(std::string_view bytes);

} // namespace smith::persistence
