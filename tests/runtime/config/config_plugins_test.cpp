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

namespace {

/// Two [[domain]] sections named examples: the plugin and version lines of each (may be "").
std::string two_versions(const std::string& first, const std::string& second) {
  return "[[domain]]\nname = \"examples\"\n" + first + "\n[[domain]]\nname = \"examples\"\n"
         + second + "\n";
}

} // namespace

TEST_CASE("two versions of a plugin domain side by side are read when their majors differ") {
  auto cfg = load_ok(two_versions("plugin = \"examples\"\nversion = \"^1\"",
                                  "plugin = \"examples_v2\"\nversion = \"~2.1\""));
  REQUIRE(cfg.domains.size() == 2);
  CHECK(cfg.domains[0].name == "examples");
  CHECK(cfg.domains[1].name == "examples");
  CHECK(cfg.domains[0].version == "^1");
  CHECK(cfg.domains[1].version == "~2.1");
  CHECK(cfg.domains[1].plugin == "examples_v2");
  // Three majors, ranges of every shape that stays within one.
  CHECK(load_ok(two_versions("plugin = \"a\"\nversion = \"1.2.3 - 1.9\"",
                             "plugin = \"b\"\nversion = \"3.x\""))
          .domains.size() == 2);
}

TEST_CASE("versions side by side that conflict are refused at file:line:column") {
  // The same major twice, named at the second section's version.
  CHECK(load_error(two_versions("plugin = \"a\"\nversion = \"^2\"",
                                "plugin = \"b\"\nversion = \"2.3.x\""),
                   config_errc::duplicate_name)
        == "t.toml:8:11: domain 'examples' major 2 twice: version '2.3.x' here and '^2' at 2:1");
  // Majors 0 and 1 run under the same names.
  SMITH_CHECK_PREFIX(load_error(two_versions("plugin = \"a\"\nversion = \"^0.3\"",
                                             "plugin = \"b\"\nversion = \"^1\""),
                                config_errc::duplicate_name),
                     "t.toml:8:11: domain 'examples' major 1 twice");
  // Without a version, or with one spanning majors, a repeated name is a plain duplicate.
  SMITH_CHECK_PREFIX(load_error(two_versions("plugin = \"a\"", "plugin = \"b\"\nversion = \"^2\""),
                                config_errc::duplicate_name),
                     "t.toml:5:1: duplicate domain name 'examples' (first defined at 2:1); two "
                     "versions side by side need `plugin` and a `version` range within one major");
  SMITH_CHECK_PREFIX(load_error(two_versions("plugin = \"a\"\nversion = \"^1\"",
                                             "plugin = \"b\"\nversion = \">=2\""),
                                config_errc::duplicate_name),
                     "t.toml:6:1: duplicate domain name 'examples'");
  SMITH_CHECK_PREFIX(load_error(two_versions("plugin = \"a\"\nversion = \"^1 || ^2\"",
                                             "plugin = \"b\"\nversion = \"^3\""),
                                config_errc::duplicate_name),
                     "t.toml:6:1: duplicate domain name 'examples'");
}
