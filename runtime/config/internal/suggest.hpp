// "Did you mean ...?" suggestions for misspelled keys and enum values (internal to runtime/config).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace smith::config::internal {

/// Levenshtein distance between `a` and `b` (insert, delete, substitute cost 1).
size_t edit_distance(std::string_view a, std::string_view b);

/// Returns the candidate closest to `word`, or nullopt when none is close
/// enough (distance above 1 + word.size() / 4) to be a plausible typo.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

} // namespace smith::config::internal
