// Restart backoff: exponential, jittered, capped delays between a crash and its restart.
#pragma once

#include <chrono>
#include <cstdint>

namespace smith::supervision {

/// Backoff policy of one child. A zero `initial` disables backoff (OTP behaviour).
struct backoff_spec {
  /// Delay before the first restart after a crash.
  std::chrono::milliseconds initial{0};
  /// Upper bound of any delay.
  std::chrono::milliseconds max{0};
  /// Growth factor per consecutive restart (>= 1).
  double multiplier = 2.0;
  /// Fraction in [0, 1] of the delay that is randomised (+/-).
  double jitter = 0.0;
  /// Consecutive restarts are counted until the child has run this long.
  std::chrono::milliseconds reset_after{10000};

  bool enabled() const noexcept { return initial.count() > 0; }
};

/// Delay for restart number `attempt` (0-based) under `spec`. `unit_random`
/// is a sample from [0, 1) supplied by the caller so tests stay deterministic.
std::chrono::milliseconds backoff_delay(const backoff_spec& spec, uint32_t attempt,
                                        double unit_random) noexcept;

} // namespace smith::supervision
