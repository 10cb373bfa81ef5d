// The restart intensity window: at most `intensity` restarts within any `period` (OTP add_restart).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace smith::supervision {

/// Sliding window of restart timestamps. Not thread-safe; owned by one supervisor.
class restart_window {
public:
  using clock_type = std::chrono::steady_clock;
  using time_point = clock_type::time_point;

  restart_window(int intensity, std::chrono::milliseconds period);

  /// Records a restart at `now`. Returns false when this restart exceeds the
  /// intensity, i.e. the supervisor must give up. Restarts at exactly
  /// `now - period` still count, as in OTP.
  bool add(time_point now);

  /// Number of restarts currently inside the window ending at `now`.
  size_t count(time_point now) const;

  int intensity() const noexcept { return intensity_; }
  std::chrono::milliseconds period() const noexcept { return period_; }

private:
  void expire(time_point now);

  int intensity_;
  std::chrono::milliseconds period_;
  std::deque<time_point> restarts_; // oldest first
};

} // namespace smith::supervision
