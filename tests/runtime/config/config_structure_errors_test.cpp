// Tests of config errors about names, duplicates, required keys, backoff and settings.
#include <string>

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>
#include <doctest/doctest.h>

#include "runtime/core/system_setup.hpp"
#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;

namespace {

// A domain "d" with one pool of agent "a" whose last line is `pool_line` (line 5).
std::string pool_with(const std::string& pool_line) {
  return "[[domain]]\n"
         "name = \"d\"\n"
         "  [[domain.pool]]\n"
         "  agent = \"a\"\n"
         + pool_line + "\n";
}

} // namespace

TEST_CASE("a duplicate domain name is reported at the second name with the first's position") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"examples\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n"
                        "\n"
                        "[[domain]]\n"
                        "name = \"examples\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n",
                        config_errc::duplicate_name);
  SMITH_CHECK_PREFIX(msg, "t.toml:7:1: duplicate domain name 'examples' (first defined at 2:1)");
}

TEST_CASE("a duplicate pool name within a domain counts names defaulted from the agent") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"examples\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"counter\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n"
                        "  name = \"counter\"\n",
                        config_errc::duplicate_name);
  CHECK(msg
        == "t.toml:7:3: duplicate pool name 'counter' in domain 'examples' (first defined at 4:3)");
}

TEST_CASE("equal pool names in different domains are allowed") {
  auto cfg = load_ok("[[domain]]\nname = \"a\"\n  [[domain.pool]]\n  agent = \"echo\"\n"
                     "[[domain]]\nname = \"b\"\n  [[domain.pool]]\n  agent = \"echo\"\n");
  CHECK(cfg.domains.size() == 2);
}

TEST_CASE("a pool without agent is missing_key at the pool's header") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"examples\"\n"
                        "  [[domain.pool]]\n"
                        "  instances = 2\n",
                        config_errc::missing_key);
  CHECK(msg == "t.toml:3:3: [[domain.pool]] is missing the required key 'agent'");
}

TEST_CASE("a domain without name is missing_key at the domain's header") {
  auto msg = load_error("[log]\nlevel = \"warn\"\n[[domain]]\nstrategy = \"one_for_one\"\n"
                        "  [[domain.pool]]\n  agent = \"a\"\n",
                        config_errc::missing_key);
  CHECK(msg == "t.toml:3:1: [[domain]] is missing the required key 'name'");
}

TEST_CASE("a domain without pools is missing_key") {
  auto msg = load_error("[[domain]]\nname = \"lonely\"\n", config_errc::missing_key);
  CHECK(msg == "t.toml:1:1: [[domain]] 'lonely' needs at least one [[domain.pool]]");
}

TEST_CASE("names that are no subject tokens are invalid_value with token_error's reason") {
  auto msg = load_error("[[domain]]\nname = \"a.b\"\n  [[domain.pool]]\n  agent = \"x\"\n",
                        config_errc::invalid_value);
  CHECK(msg
        == "t.toml:2:8: domain name 'a.b' is not a valid subject token: it contains '.' at "
           "offset 1 (reserved in NATS subjects)");
  msg = load_error("[node]\nname = \"node 1\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:8: node name 'node 1' is not a valid subject token: ");
  msg = load_error(pool_with("  name = \"\""), config_errc::invalid_value);
  CHECK(msg == "t.toml:5:10: pool name '' is not a valid subject token: it must not be empty");
  msg = load_error("[[domain]]\nname = \"d\"\n  [[domain.pool]]\n  agent = \"a*\"\n",
                   config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:4:11: agent type 'a*' is not a valid subject token: ");
}

TEST_CASE("a name of the wrong type is wrong_type") {
  auto msg = load_error("[node]\nname = 7\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:2:8: 'name' (node name) must be a string, got an integer");
}

TEST_CASE("a backoff multiplier below 1 is out_of_range at the value") {
  auto msg = load_error(pool_with("  backoff = { initial_ms = 100, multiplier = 0.5 }"),
                        config_errc::out_of_range);
  CHECK(msg == "t.toml:5:46: 'multiplier' must be a number >= 1, got 0.5");
}

TEST_CASE("a backoff cap below its initial delay is invalid_value") {
  auto msg = load_error(pool_with("  backoff = { initial_ms = 500, max_ms = 100 }"),
                        config_errc::invalid_value);
  CHECK(msg == "t.toml:5:42: 'max_ms' must be >= 'initial_ms' (500) when backoff is on, got 100");
}

TEST_CASE("backoff jitter outside [0, 1], unknown backoff keys and a non-table backoff fail") {
  auto msg = load_error(pool_with("  backoff = { jitter = 1.5 }"), config_errc::out_of_range);
  CHECK(msg == "t.toml:5:24: 'jitter' must be a number in [0, 1], got 1.5");
  msg = load_error(pool_with("  backoff = { inital_ms = 5 }"), config_errc::unknown_key);
  CHECK(msg
        == "t.toml:5:15: unknown key 'inital_ms' in the backoff of [[domain.pool]] (did you "
           "mean 'initial_ms'?)");
  msg = load_error(pool_with("  backoff = \"fast\""), config_errc::wrong_type);
  CHECK(msg == "t.toml:5:13: 'backoff' must be a table, got a string");
}

TEST_CASE("backoff may be off with a zero cap, and may be a [domain.pool.backoff] table") {
  auto cfg = load_ok(pool_with("  backoff = { initial_ms = 0, max_ms = 0 }"));
  CHECK_FALSE(cfg.domains.at(0).pools.at(0).backoff.enabled());
  cfg = load_ok(pool_with("  [domain.pool.backoff]\n  initial_ms = 10\n  max_ms = 20"));
  CHECK(cfg.domains.at(0).pools.at(0).backoff.max.count() == 20);
}

TEST_CASE("a non-scalar setting is wrong_type at the value") {
  auto msg = load_error(pool_with("  settings = { peers = [\"a\", \"b\"] }"),
                        config_errc::wrong_type);
  CHECK(msg
        == "t.toml:5:24: setting 'peers' must be a string, integer, float, boolean, date or "
           "time, got an array");
  msg = load_error(pool_with("  settings = { nested = { x = 1 } }"), config_errc::wrong_type);
  SMITH_CHECK_PREFIX(msg, "t.toml:5:25: setting 'nested' must be ");
  msg = load_error(pool_with("  settings = 3"), config_errc::wrong_type);
  CHECK(msg == "t.toml:5:14: 'settings' must be a table, got an integer");
}

TEST_CASE("settings render floats, dates and times as TOML writes them") {
  auto cfg = load_ok(
    pool_with("  settings = { f = 2.0, t = 07:32:00, dt = 1979-05-27T07:32:00Z, s = 'x y' }"));
  const auto& settings = cfg.domains.at(0).pools.at(0).settings;
  CHECK(settings.at("f") == "2.0");
  CHECK(settings.at("t") == "07:32:00");
  CHECK(settings.at("dt") == "1979-05-27T07:32:00Z");
  CHECK(settings.at("s") == "x y");
}

TEST_CASE("every config_errc has a distinct name and renders with its message") {
  CHECK(to_string(config_errc::none) == "none");
  CHECK(to_string(config_errc::file_not_found) == "file_not_found");
  CHECK(to_string(config_errc::syntax_error) == "syntax_error");
  CHECK(to_string(config_errc::unknown_key) == "unknown_key");
  CHECK(to_string(config_errc::wrong_type) == "wrong_type");
  CHECK(to_string(config_errc::out_of_range) == "out_of_range");
  CHECK(to_string(config_errc::invalid_value) == "invalid_value");
  CHECK(to_string(config_errc::duplicate_name) == "duplicate_name");
  CHECK(to_string(config_errc::missing_key) == "missing_key");
  auto text = render_config_error(static_cast<uint8_t>(config_errc::unknown_key),
                                  caf::atom("smith_cfg"),
                                  caf::make_message(std::string{"t.toml:3:1: unknown key 'x'"}));
  CHECK(text == "unknown_key: t.toml:3:1: unknown key 'x'");
}

TEST_CASE("configure_actor_system registers the smith_cfg error renderer") {
  caf::actor_system_config cfg;
  smith::configure_actor_system(cfg);
  auto renderer = cfg.error_renderers.find(caf::atom("smith_cfg"));
  REQUIRE(renderer != cfg.error_renderers.end());
  auto text = renderer->second(static_cast<uint8_t>(config_errc::missing_key),
                               caf::atom("smith_cfg"), caf::make_message(std::string{"m"}));
  CHECK(text == "missing_key: m");
}
