// Synchronous signal handling with sigtimedwait.
#include "tools/smithd/signal_waiter.hpp"

#include <csignal>
#include <ctime>

#include <pthread.h>

namespace smith::tools {

signal_waiter::signal_waiter(std::function<void(int)> on_signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread{[this, set, on_signal = std::move(on_signal)] {
    timespec tick{0, 100'000'000}; // wake up regularly to notice done_
    while (!done_.load()) {
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig > 0)
        on_signal(sig);
    }
  }};
}

signal_waiter::~signal_waiter() {
  done_.store(true);
  thread_.join();
}

} // namespace smith::tools
