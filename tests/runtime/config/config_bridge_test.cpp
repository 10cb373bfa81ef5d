// [bridge]: inline dispatch defaults, values, and file:line errors.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;

TEST_CASE("inline dispatch is on by default with a 50 ms blocked-handler threshold") {
  auto cfg = load_ok("[node]\nname = \"n\"\n");
  CHECK(cfg.bridge.inline_dispatch);
  CHECK(cfg.bridge.inline_block_warn == std::chrono::milliseconds{50});
  CHECK(cfg.bridge.inline_max_jobs == 64);
  CHECK_FALSE(cfg.bridge.inline_one_way);
}

TEST_CASE("[bridge] inline dispatch keys are read") {
  auto cfg = load_ok("[bridge]\ninline_dispatch = false\ninline_block_warn_ms = 200\n"
                     "inline_max_jobs = 8\ninline_one_way = true\n");
  CHECK(cfg.bridge.inline_one_way);
  CHECK_FALSE(cfg.bridge.inline_dispatch);
  CHECK(cfg.bridge.inline_block_warn == std::chrono::milliseconds{200});
  CHECK(cfg.bridge.inline_max_jobs == 8);
}

TEST_CASE("[nats] delivery_threads defaults to one and is checked") {
  CHECK(load_ok("[node]\nname = \"n\"\n").nats.delivery_threads == 1);
  auto cfg = load_ok("[nats]\nurls = [\"nats://127.0.0.1:4222\"]\ndelivery_threads = 4\n");
  CHECK(cfg.nats.delivery_threads == 4);
  auto bad = load_error("[nats]\ndelivery_threads = 0\n", config_errc::out_of_range);
  CHECK(bad.rfind("t.toml:2:20: ", 0) == 0);
}

TEST_CASE("bad [bridge] values are refused at their position") {
  auto type = load_error("[bridge]\ninline_dispatch = \"yes\"\n", config_errc::wrong_type);
  CHECK(type == "t.toml:2:19: [bridge] inline_dispatch must be a boolean, got a string");
  auto range = load_error("[bridge]\ninline_block_warn_ms = 0\n", config_errc::out_of_range);
  CHECK(range.rfind("t.toml:2:24: ", 0) == 0);
  auto jobs = load_error("[bridge]\ninline_max_jobs = 5000\n", config_errc::out_of_range);
  CHECK(jobs.rfind("t.toml:2:19: ", 0) == 0);
  auto flag = load_error("[bridge]\ninline_one_way = 1\n", config_errc::wrong_type);
  CHECK(flag == "t.toml:2:18: [bridge] inline_one_way must be a boolean, got an integer");
  auto key = load_error("[bridge]\ninline = true\n", config_errc::unknown_key);
  CHECK(key.rfind("t.toml:2:1: unknown key 'inline' in [bridge]", 0) == 0);
}
