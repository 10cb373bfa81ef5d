// smithd as a process: config errors, command line, signals.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "tests/support/process.hpp"

using namespace smith::test;
using namespace std::chrono_literals;

namespace {

struct temp_config {
  std::filesystem::path dir;
  std::filesystem::path file;
  explicit temp_config(const std::string& text) {
    dir = std::filesystem::temp_directory_path()
          / ("smithd-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir);
    file = dir / "node.toml";
    std::ofstream{file} << text;
  }
  ~temp_config() { std::filesystem::remove_all(dir); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

const char* two_pools = R"(
[node]
name = "t1"
[[domain]]
name = "examples"
  [[domain.pool]]
  agent = "echo"
  instances = 2
  [[domain.pool]]
  agent = "counter"
)";

/// Runs smithd on `text` and expects a config error at `prefix` within a second.
void expect_config_error(const std::string& text, const std::string& needle) {
  REQUIRE_FALSE(bin_path("smithd").empty());
  temp_config cfg{text};
  auto start = std::chrono::steady_clock::now();
  child_process p{{bin_path("smithd"), "--config", cfg.file.string()}};
  auto rc = p.wait_exit(5s);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(rc == 78);
  CHECK(elapsed < 1s);
  REQUIRE_FALSE(p.lines().empty());
  INFO(p.output());
  CHECK(p.lines().front().rfind(cfg.file.string() + needle, 0) == 0);
}

size_t index_of(const std::vector<std::string>& lines, const std::string& needle) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(needle) != std::string::npos)
      return i;
  return lines.size();
}

void expect_clean_stop(int sig) {
  temp_config cfg{two_pools};
  child_process p{{bin_path("smithd"), "--config", cfg.file.string()}};
  REQUIRE(p.wait_for_line([](auto& l) { return l.find("node t1 up") != std::string::npos; },
                          10s));
  p.signal(sig);
  CHECK(p.wait_exit(10s) == 0);
  auto& ls = p.lines();
  INFO(p.output());
  auto order = {"stopped counter-1", "stopped counter (", "stopped echo-2", "stopped echo-1",
                "stopped echo (", "[root] stopped examples", "stopped cleanly"};
  size_t last = 0;
  for (auto needle : order) {
    auto i = index_of(ls, needle);
    CAPTURE(needle);
    REQUIRE(i < ls.size());
    CHECK(i >= last);
    last = i;
  }
}

} // namespace

TEST_CASE("smithd refuses an unknown key with file:line:column and exit code 78 within a second") {
  expect_config_error("[node]\nname = \"a\"\nnmae = \"b\"\n", ":3:1: unknown key 'nmae'");
}

TEST_CASE("smithd refuses a wrong type with file:line:column and exit code 78") {
  expect_config_error("[scheduler]\nthreads = \"two\"\n", ":2:11:");
}

TEST_CASE("smithd refuses an out-of-range value with file:line:column and exit code 78") {
  expect_config_error("[root]\nintensity = -1\n", ":2:13:");
}

TEST_CASE("smithd refuses an unknown agent type with the position of the pool's agent key") {
  expect_config_error("[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"nope\"\n",
                      ":4:11: domain 'examples' pool 'nope': unknown agent type 'nope'");
}

TEST_CASE("smithd --check validates names against the domains it carries") {
  temp_config bad{"[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"nope\"\n"};
  child_process p{{bin_path("smithd"), "--check", "--config", bad.file.string()}};
  CHECK(p.wait_exit(5s) == 78);
  CHECK(p.output().find(":4:11: domain 'examples' pool 'nope'") != std::string::npos);
  temp_config good{two_pools};
  child_process q{{bin_path("smithd"), "--check", "--config", good.file.string()}};
  CHECK(q.wait_exit(5s) == 0);
  CHECK(q.output().find(": ok (1 domain(s))") != std::string::npos);
}

TEST_CASE("smithd refuses a missing config file with exit code 78") {
  child_process p{{bin_path("smithd"), "--config", "/nonexistent/smithd.toml"}};
  CHECK(p.wait_exit(5s) == 78);
  INFO(p.output());
  CHECK(p.output().find("/nonexistent/smithd.toml:") == 0);
}

TEST_CASE("smithd --help and --version exit 0 and an unknown flag exits 64") {
  child_process help{{bin_path("smithd"), "--help"}};
  CHECK(help.wait_exit(5s) == 0);
  CHECK(help.output().find("--config") != std::string::npos);
  child_process version{{bin_path("smithd"), "--version"}};
  CHECK(version.wait_exit(5s) == 0);
  CHECK(version.output().find("smithd 0.") == 0);
  child_process bad{{bin_path("smithd"), "--no-such-flag"}};
  CHECK(bad.wait_exit(5s) == 64);
}

TEST_CASE("SIGTERM stops the tree in reverse start order and smithd exits 0") {
  expect_clean_stop(SIGTERM);
}

TEST_CASE("SIGINT stops the tree in reverse start order and smithd exits 0") {
  expect_clean_stop(SIGINT);
}

TEST_CASE("with log format json every line smithd writes is one JSON object") {
  temp_config cfg{std::string{"[log]\nformat = \"json\"\n"} + two_pools};
  child_process p{{bin_path("smithd"), "--config", cfg.file.string()}};
  REQUIRE(p.wait_for_line([](auto& l) { return l.find("node t1 up") != std::string::npos; },
                          10s));
  p.signal(SIGTERM);
  CHECK(p.wait_exit(10s) == 0);
  INFO(p.output());
  REQUIRE(p.lines().size() > 5);
  for (auto& line : p.lines()) {
    CHECK(line.rfind("{\"ts_us\":", 0) == 0);
    CHECK(line.back() == '}');
    CHECK(line.find("\"node\":\"t1\"") != std::string::npos);
  }
}
