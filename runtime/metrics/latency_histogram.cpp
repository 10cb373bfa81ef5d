// Bucketing of latencies.
#include "runtime/metrics/latency_histogram.hpp"

namespace smith::metrics {

size_t latency_bucket(int64_t ns) noexcept {
  auto seconds = static_cast<double>(ns) / 1e9;
  for (size_t i = 0; i < latency_bounds.size(); ++i)
    if (seconds <= latency_bounds[i])
      return i;
  return latency_bounds.size();
}

void observe_latency(std::vector<uint64_t>& counts, int64_t ns) {
  if (counts.size() < latency_bounds.size() + 1)
    counts.resize(latency_bounds.size() + 1);
  ++counts[latency_bucket(ns)];
}

} // namespace smith::metrics
