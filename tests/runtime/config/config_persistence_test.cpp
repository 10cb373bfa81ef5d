// [persistence] and [[domain]] durability: defaults, values, and file:line errors.
#include <string>

#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;
using smith::persistence::durability_mode;

TEST_CASE("persistence is off by default and group is the default durability") {
  auto cfg = load_ok("[node]\nname = \"n\"\n");
  CHECK_FALSE(cfg.persistence.enabled);
  CHECK(cfg.persistence.durability == durability_mode::group);
  CHECK(cfg.persistence.snapshot_every == 1000);
  CHECK_FALSE(cfg.persistence.compact);
}

TEST_CASE("[persistence] and a domain's durability are read") {
  auto cfg = load_ok("[persistence]\nenabled = true\ndurability = \"none\"\nsnapshot_every = 0\n"
                     "compact = true\n"
                     "[[domain]]\nname = \"examples\"\ndurability = \"sync\"\n"
                     "  [[domain.pool]]\n  agent = \"counter\"\n");
  CHECK(cfg.persistence.enabled);
  CHECK(cfg.persistence.durability == durability_mode::none);
  CHECK(cfg.persistence.snapshot_every == 0);
  CHECK(cfg.persistence.compact);
  REQUIRE(cfg.domains.size() == 1);
  CHECK(cfg.domains[0].durability == durability_mode::sync);
}

TEST_CASE("bad [persistence] values are refused at their position") {
  auto type = load_error("[persistence]\nenabled = \"yes\"\n", config_errc::wrong_type);
  CHECK(type == "t.toml:2:11: [persistence] enabled must be a boolean, got a string");
  auto compact = load_error("[persistence]\ncompact = 1\n", config_errc::wrong_type);
  CHECK(compact == "t.toml:2:11: [persistence] compact must be a boolean, got an integer");
  auto mode = load_error("[persistence]\ndurability = \"fsync\"\n", config_errc::invalid_value);
  CHECK(mode.rfind("t.toml:2:14: ", 0) == 0);
  CHECK(mode.find("sync") != std::string::npos);
  auto key = load_error("[persistence]\nenable = true\n", config_errc::unknown_key);
  CHECK(key.rfind("t.toml:2:1: unknown key 'enable' in [persistence]", 0) == 0);
  auto dom = load_error("[[domain]]\nname = \"examples\"\ndurability = 3\n"
                        "  [[domain.pool]]\n  agent = \"counter\"\n",
                        config_errc::wrong_type);
  CHECK(dom.rfind("t.toml:3:14: ", 0) == 0);
}
