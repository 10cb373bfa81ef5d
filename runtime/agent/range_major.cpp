// single_major: which major a version range is confined to (side-by-side domain versions).
#include "runtime/agent/version_range.hpp"

#include <algorithm>
#include <limits>

namespace smith::agent {

namespace {

using range_op = version_range::op;

/// [lowest, highest] major of the releases one AND-set admits; highest is max() when
/// unbounded, and lowest > highest when the set admits nothing.
std::pair<uint64_t, uint64_t> major_span(const version_range::comparator_set& set) {
  uint64_t lo = 0;
  uint64_t hi = std::numeric_limits<uint64_t>::max();
  for (auto& c : set) {
    auto& v = c.version;
    auto bits = static_cast<uint8_t>(c.kind);
    if (bits & 4 || c.kind == range_op::eq) // >, >=, =: a lower bound
      lo = std::max(lo, v.major);
    if (bits & 1 || c.kind == range_op::eq) { // <, <=, =: an upper bound
      // `<X.0.0` (with or without a pre-release) admits no release of major X.
      bool below_major = c.kind == range_op::lt && v.minor == 0 && v.patch == 0;
      if (below_major && v.major == 0)
        return {1, 0};
      hi = std::min(hi, below_major ? v.major - 1 : v.major);
    }
  }
  return {lo, hi};
}

} // namespace

std::optional<uint64_t> single_major(const version_range& r) {
  std::optional<uint64_t> out;
  for (auto& set : r.alternatives()) {
    auto [lo, hi] = major_span(set);
    if (lo > hi)
      continue; // admits nothing
    if (lo != hi || (out && *out != lo))
      return std::nullopt;
    out = lo;
  }
  return out;
}

} // namespace smith::agent
