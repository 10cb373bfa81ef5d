// Restart backoff delay computation.
#include "runtime/supervision/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace smith::supervision {

std::chrono::milliseconds backoff_delay(const backoff_spec& spec, uint32_t attempt,
                                        double unit_random) noexcept {
  if (!spec.enabled())
    return std::chrono::milliseconds{0};
  auto cap = static_cast<double>(std::max(spec.max, spec.initial).count());
  auto base = static_cast<double>(spec.initial.count())
              * std::pow(std::max(spec.multiplier, 1.0), static_cast<double>(attempt));
  base = std::min(base, cap);
  auto jitter = std::clamp(spec.jitter, 0.0, 1.0);
  // Maps unit_random in [0,1) to a factor in [1 - jitter, 1 + jitter).
  auto factor = 1.0 + jitter * (2.0 * std::clamp(unit_random, 0.0, 1.0) - 1.0);
  auto ms = std::clamp(base * factor, 1.0, cap);
  return std::chrono::milliseconds{static_cast<int64_t>(std::llround(ms))};
}

} // namespace smith::supervision
