// The buckets of Smith's request latency histograms (Prometheus `le` bounds, in seconds).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace smith::metrics {

/// Upper bounds of the latency buckets, in seconds (100 µs .. 10 s); a last bucket (+Inf)
/// follows them.
inline constexpr std::array<double, 16> latency_bounds = {
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
  0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,   10.0};

/// The bucket of a latency of `ns` nanoseconds: the first bound >= it, or
/// latency_bounds.size() (+Inf).
size_t latency_bucket(int64_t ns) noexcept;

/// Counts one observation of `ns` into `counts` (per bucket, not cumulative; resized to
/// latency_bounds.size() + 1 when smaller).
void observe_latency(std::vector<uint64_t>& counts, int64_t ns);

} // namespace smith::metrics
