// Waiting in tests: poll an observable condition until a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace smith::test {

/// How long `eventually` pauses between two looks. A poll interval, not synchronisation: what
/// a test waits for is the condition, and the deadline only bounds a failing wait.
inline constexpr std::chrono::milliseconds poll_interval{1};

/// Evaluates `pred` until it holds (true at once) or `within` has passed (then its last
/// value), pausing `interval` between evaluations.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds within = std::chrono::seconds{10},
                       std::chrono::milliseconds interval = poll_interval) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return pred();
    std::this_thread::sleep_for(interval);
  }
  return true;
}

} // namespace smith::test
