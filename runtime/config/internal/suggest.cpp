// Edit-distance suggestions for misspelled names.
#include "runtime/config/internal/suggest.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace smith::config::internal {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Two-row dynamic programme over b; row[j] = distance(a[0..i), b[0..j)).
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    auto diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      auto above = row[j];
      auto substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  // Anything at this distance or beyond is no plausible typo.
  auto best_distance = 2 + word.size() / 4;
  for (auto candidate : candidates) {
    auto d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

} // namespace smith::config::internal
