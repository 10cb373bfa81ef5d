// Turns SIGINT/SIGTERM into a callback on a dedicated thread (no async-signal-safety traps).
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace smith::tools {

/// Blocks SIGINT and SIGTERM in the calling thread (call before any other
/// thread starts, so that every thread inherits the mask) and runs
/// `on_signal(signo)` on its own thread for each one received.
class signal_waiter {
public:
  explicit signal_waiter(std::function<void(int)> on_signal);
  /// Stops the waiting thread.
  ~signal_waiter();
  signal_waiter(const signal_waiter&) = delete;
  signal_waiter& operator=(const signal_waiter&) = delete;

private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

} // namespace smith::tools
