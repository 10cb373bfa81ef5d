// The [registry] section.
#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;
using namespace std::chrono_literals;

TEST_CASE("the registry section maps every key and defaults the rest") {
  auto cfg = load_ok("[registry]\nmax_agents_per_domain = 50\nheartbeat_interval_ms = 250\n");
  CHECK(cfg.registry.max_agents_per_domain == 50);
  CHECK(cfg.registry.heartbeat_interval == 250ms);
  CHECK(cfg.registry.degraded_after == 2);
  CHECK(cfg.registry.down_after == 5);
  auto defaults = load_ok("");
  CHECK(defaults.registry.heartbeat_interval == 1000ms);
  CHECK(defaults.registry.max_agents_per_domain == 0);
}

TEST_CASE("registry values out of range or inconsistent are refused with their position") {
  SMITH_CHECK_PREFIX(load_error("[registry]\ndegraded_after_missed = 0\n", config_errc::out_of_range),
                     "t.toml:2:25:");
  SMITH_CHECK_PREFIX(load_error("[registry]\ndegraded_after_missed = 4\ndown_after_missed = 3\n",
                                config_errc::out_of_range),
                     "t.toml:1:1:");
  SMITH_CHECK_PREFIX(load_error("[registry]\nheartbeat = 1\n", config_errc::unknown_key),
                     "t.toml:2:1: unknown key 'heartbeat'");
}
