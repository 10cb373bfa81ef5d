// Validation of names that become NATS subject tokens (agent names, domains, child ids).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smith {

/// Longest name accepted as a subject token.
inline constexpr size_t max_token_length = 128;

/// Returns why `name` is not a valid subject token, or nullopt when it is.
/// Valid: 1..max_token_length bytes, none of '.', '*', '>', whitespace or
/// control bytes (nats-server's token rules, plus a length cap).
std::optional<std::string> token_error(std::string_view name);

} // namespace smith
