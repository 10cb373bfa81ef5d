// [plugins] dirs and the plugin keys of [[domain]]: reading, defaults, errors with positions.
#include <doctest/doctest.h>

#include "runtime/config/config_loader.hpp"
#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;

TEST_CASE("a plugin domain may omit its pools and names a plugin and a version range") {
  auto cfg = load_ok("[plugins]\ndirs = [\"/opt/smith/domains\", \"rel/lib\"]\n"
                     "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\nversion = \"^1\"\n");
  REQUIRE(cfg.domains.size() == 1);
  CHECK(cfg.domains[0].plugin == "examples");
  CHECK(cfg.domains[0].version == "^1");
  CHECK(cfg.domains[0].pools.empty());
  CHECK(cfg.plugins.dirs == std::vector<std::string>{"/opt/smith/domains", "rel/lib"});
  // Not a file: relative dirs stay as written; no [plugins]: the default dir.
  CHECK(effective_plugin_dirs(cfg, "/x") == cfg.plugins.dirs);
  CHECK(effective_plugin_dirs(load_ok("[node]\nname = \"a\"\n"), "/x")
        == std::vector<std::string>{"/x"});
}

TEST_CASE("pool settings keep their TOML type and position for the schema check") {
  auto cfg = load_ok("[[domain]]\nname = \"hello\"\n  [[domain.pool]]\n  agent = \"greeter\"\n"
                     "  settings = { greeting = \"hi\", times = 3 }\n");
  auto& src = cfg.domains[0].pools[0].setting_sources;
  REQUIRE(src.size() == 2);
  CHECK(src.at("greeting").kind == "string");
  CHECK(src.at("times").kind == "integer");
  CHECK(src.at("greeting").where == "t.toml:5:27");
}

TEST_CASE("plugin keys are refused with file:line:column when they are wrong") {
  SMITH_CHECK_PREFIX(load_error("[[domain]]\nname = \"e\"\nplugin = \"e\"\nversion = \">=\"\n",
                                config_errc::invalid_value),
                     "t.toml:4:11: domain 'e': invalid version range");
  SMITH_CHECK_PREFIX(load_error("[[domain]]\nname = \"e\"\nversion = \"^1\"\n"
                                "  [[domain.pool]]\n  agent = \"echo\"\n",
                                config_errc::invalid_value),
                     "t.toml:3:11: domain 'e': 'version' needs 'plugin'");
  SMITH_CHECK_PREFIX(load_error("[[domain]]\nname = \"e\"\n", config_errc::missing_key), "t.toml:");
  SMITH_CHECK_PREFIX(load_error("[plugins]\ndirs = \"/opt\"\n", config_errc::wrong_type),
                     "t.toml:2:8: [plugins] dirs must be an array of strings");
  SMITH_CHECK_PREFIX(load_error("[plugins]\ndirs = [\"\"]\n", config_errc::wrong_type),
                     "t.toml:2:9: [plugins] dirs entries must be non-empty strings");
  load_error("[plugins]\ndir = [\"/opt\"]\n", config_errc::unknown_key);
}
