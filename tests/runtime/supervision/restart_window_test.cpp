// Tests of the restart intensity window and the backoff delays.
#include <doctest/doctest.h>

#include "runtime/supervision/backoff.hpp"
#include "runtime/supervision/restart_window.hpp"

using namespace smith::supervision;
using namespace std::chrono_literals;

TEST_CASE("the restart window admits intensity restarts and refuses the next one") {
  restart_window w{3, 5000ms};
  auto t0 = restart_window::time_point{} + 1h;
  CHECK(w.add(t0));
  CHECK(w.add(t0 + 1s));
  CHECK(w.add(t0 + 2s));
  CHECK_FALSE(w.add(t0 + 3s));
}

TEST_CASE("restarts older than the period leave the window") {
  restart_window w{1, 5000ms};
  auto t0 = restart_window::time_point{} + 1h;
  CHECK(w.add(t0));
  CHECK(w.add(t0 + 5001ms));
  CHECK(w.add(t0 + 10002ms));
  CHECK(w.count(t0 + 10002ms) == 1);
}

TEST_CASE("a restart exactly one period old still counts, as in OTP") {
  restart_window w{1, 5000ms};
  auto t0 = restart_window::time_point{} + 1h;
  CHECK(w.add(t0));
  CHECK_FALSE(w.add(t0 + 5000ms));
}

TEST_CASE("intensity zero refuses the first restart") {
  restart_window w{0, 5000ms};
  CHECK_FALSE(w.add(restart_window::time_point{} + 1h));
}

TEST_CASE("backoff grows exponentially and stops at its cap") {
  backoff_spec b;
  b.initial = 10ms;
  b.max = 100ms;
  b.multiplier = 2.0;
  CHECK(backoff_delay(b, 0, 0.5) == 10ms);
  CHECK(backoff_delay(b, 1, 0.5) == 20ms);
  CHECK(backoff_delay(b, 3, 0.5) == 80ms);
  CHECK(backoff_delay(b, 4, 0.5) == 100ms);
  CHECK(backoff_delay(b, 30, 0.5) == 100ms);
}

TEST_CASE("backoff jitter stays within its fraction and under the cap") {
  backoff_spec b;
  b.initial = 100ms;
  b.max = 1000ms;
  b.jitter = 0.2;
  CHECK(backoff_delay(b, 0, 0.0) == 80ms);
  CHECK(backoff_delay(b, 0, 0.999).count() <= 120);
  CHECK(backoff_delay(b, 10, 0.999) == 1000ms);
}

TEST_CASE("disabled backoff yields no delay") {
  CHECK(backoff_delay(backoff_spec{}, 5, 0.3) == 0ms);
}
