// Sliding-window restart intensity.
#include "runtime/supervision/restart_window.hpp"

namespace smith::supervision {

restart_window::restart_window(int intensity, std::chrono::milliseconds period)
  : intensity_(intensity), period_(period) {
  // nop
}

void restart_window::expire(time_point now) {
  auto threshold = now - period_;
  while (!restarts_.empty() && restarts_.front() < threshold)
    restarts_.pop_front();
}

bool restart_window::add(time_point now) {
  expire(now);
  restarts_.push_back(now);
  return restarts_.size() <= static_cast<size_t>(intensity_);
}

size_t restart_window::count(time_point now) const {
  auto threshold = now - period_;
  size_t n = 0;
  for (auto t : restarts_)
    if (t >= threshold)
      ++n;
  return n;
}

} // namespace smith::supervision
