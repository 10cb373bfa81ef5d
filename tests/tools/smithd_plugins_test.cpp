// smithd processes loading domain plugins at boot: [plugins] dirs, [[domain]] plugin, a plugin
// whose init fails, schema errors with file:line:column.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "smith/examples/v1/examples.pb.h"
#include "tests/actors/plugins/plugin_node.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/process.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

/// A config file in its own temp dir (removed at the end).
struct plugin_config {
  std::filesystem::path dir;
  std::filesystem::path file;
  explicit plugin_config(const std::string& name, const std::string& text) {
    dir = std::filesystem::temp_directory_path()
          / ("smithd-plugins-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::create_directories(dir);
    file = dir / (name + ".toml");
    std::ofstream{file} << text;
  }
  ~plugin_config() { std::filesystem::remove_all(dir); }
};

bool output_has(const test::child_process& p, const std::string& needle) {
  return p.output().find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("smithd loads the plugins its config names at boot and runs without one that fails") {
  test::nats_server server;
  plugin_config cfg{"n1", test::node_toml("n1", server.url(),
                                          "[[domain]]\nname = \"broken\"\nplugin = \"broken\"\n"
                                          "[[domain]]\nname = \"examples\"\n"
                                          "plugin = \"examples\"\nversion = \"^1\"\n")};
  test::child_process n1{{test::bin_path("smithd"), "--config", cfg.file.string()}};
  test::plugin_node obs{test::node_toml("obs", server.url())};
  REQUIRE_MESSAGE(test::eventually([&] { return obs.count("examples", "n1") == 2; }, 15s),
                  n1.output());
  examples::v1::EchoRequest req;
  req.set_text("over nats");
  auto rep = obs.call<examples::v1::EchoReply>("examples", "echo", "echo", req);
  REQUIRE_MESSAGE(rep, obs.sys->render(rep.error()));
  CHECK(rep->text() == "echo-n1-1 #1: over nats");
  n1.signal(SIGTERM);
  CHECK(n1.wait_exit(10s) == 0);
  INFO(n1.output());
  CHECK(output_has(n1, "domain broken: failed to start, the node runs without it"));
  CHECK(output_has(n1, "cannot open /nonexistent/broken.db"));
  CHECK(output_has(n1, "domain examples 1.0.0 started from plugin " + test::plugin_dir()
                         + "/libsmith_domain_examples.so"));
}

TEST_CASE("smithd refuses pool settings the plugin's schema refuses with file:line:column, exit 78") {
  plugin_config cfg{"bad", test::node_toml("n1", "",
                                           "[[domain]]\nname = \"hello\"\n"
                                           "  [[domain.pool]]\n  agent = \"greeter\"\n"
                                           "  settings = { greeting = true }\n")};
  for (auto check : {true, false}) {
    std::vector<std::string> argv{test::bin_path("smithd"), "--config", cfg.file.string()};
    if (check)
      argv.push_back("--check");
    test::child_process p{argv};
    CHECK(p.wait_exit(10s) == 78);
    INFO(p.output());
    CHECK(output_has(p, cfg.file.string() + ":9:"));
    CHECK(output_has(p, ": domain 'hello' pool 'greeter': setting 'greeting' must be a string, "
                        "got boolean"));
  }
}

TEST_CASE("smithd --check reports a plugin that does not load, exit 78") {
  plugin_config cfg{"broken", test::node_toml("n1", "",
                                              "[[domain]]\nname = \"broken\"\n"
                                              "plugin = \"broken\"\n")};
  test::child_process p{{test::bin_path("smithd"), "--check", "--config", cfg.file.string()}};
  CHECK(p.wait_exit(10s) == 78);
  INFO(p.output());
  CHECK(output_has(p, cfg.file.string() + ":6:8: domain 'broken': "));
  CHECK(output_has(p, "cannot open /nonexistent/broken.db"));
}

TEST_CASE("smithd --check accepts two majors side by side and refuses one major twice, exit 78") {
  auto sections = [](const std::string& second_version) {
    return "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\nversion = \"^1\"\n"
           "[[domain]]\nname = \"examples\"\nplugin = \"examples_v2\"\nversion = \""
           + second_version + "\"\n";
  };
  plugin_config ok{"sidebyside", test::node_toml("n1", "", sections("^2"))};
  test::child_process good{{test::bin_path("smithd"), "--check", "--config", ok.file.string()}};
  CHECK_MESSAGE(good.wait_exit(10s) == 0, good.output());
  plugin_config bad{"samemajor", test::node_toml("n1", "", sections("1.x"))};
  test::child_process p{{test::bin_path("smithd"), "--check", "--config", bad.file.string()}};
  CHECK(p.wait_exit(10s) == 78);
  INFO(p.output());
  CHECK(output_has(p, bad.file.string() + ":12:11: domain 'examples' major 1 twice: version "
                      "'1.x' here and '^1' at 6:1"));
}
