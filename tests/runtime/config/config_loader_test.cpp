// Tests of the config loader on valid input: the embedded default, full files, defaults, files.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "runtime/config/config_loader.hpp"
#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;
using namespace std::chrono_literals;
namespace sup = smith::supervision;

namespace {

constexpr std::string_view full_text = R"(
[node]
name = "alpha"
data_dir = "/var/lib/smith"

[scheduler]
threads = 4
policy = "stealing"

[log]
level = "debug"
format = "json"

[root]
strategy = "rest_for_one"
intensity = 7
period_ms = 60000
auto_shutdown = "any_significant"

[[domain]]
name = "billing"
strategy = "one_for_one"
intensity = 9
period_ms = 2000
auto_shutdown = "all_significant"
restart = "transient"
shutdown = 15000

  [[domain.pool]]
  agent = "invoice"
  name = "invoices"
  instances = 8
  strategy = "one_for_all"
  intensity = 11
  period_ms = 3000
  auto_shutdown = "any_significant"
  restart = "temporary"
  shutdown = "brutal_kill"
  mailbox_capacity = 64
  backoff = { initial_ms = 100, max_ms = 8000, multiplier = 1.5, jitter = 0.25, reset_after_ms = 30000 }
  settings = { currency = "EUR", retries = 3, ratio = 0.5, strict = true, since = 2024-01-31 }

[[domain]]
name = "audit"
shutdown = "brutal_kill"

  [[domain.pool]]
  agent = "auditor"
  backoff = { initial_ms = 50, multiplier = 3 }
)";

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class temp_dir {
public:
  temp_dir() {
    std::random_device seed;
    auto base = std::filesystem::temp_directory_path();
    do {
      path_ = base / ("smith-config-test-" + std::to_string(seed() % 1'000'000));
    } while (!std::filesystem::create_directory(path_));
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string write(const std::string& name, std::string_view text) const {
    auto file = (path_ / name).string();
    std::ofstream{file} << text;
    return file;
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

} // namespace

TEST_CASE("the embedded default loads: node-1 with the examples domain") {
  auto cfg = load_default_config();
  REQUIRE_MESSAGE(cfg, "error: ", cfg ? std::string{} : message_of(cfg.error()));
  CHECK(cfg->source == "<embedded default>");
  CHECK(cfg->name == "node-1");
  CHECK(cfg->root.flags.strategy_ == sup::strategy::one_for_all);
  REQUIRE(cfg->domains.size() == 1);
  const auto& examples = cfg->domains[0];
  CHECK(examples.name == "examples");
  CHECK(examples.sup.flags.strategy_ == sup::strategy::rest_for_one);
  REQUIRE(examples.pools.size() == 2);
  CHECK(examples.pools[0].name == "echo");
  CHECK(examples.pools[0].agent == "echo");
  CHECK(examples.pools[0].instances == 2);
  CHECK(examples.pools[1].name == "counter");
  CHECK(examples.pools[1].agent == "counter");
  CHECK(examples.pools[1].instances == 1);
}

TEST_CASE("a full config maps every key onto its field") {
  auto cfg = load_ok(full_text);
  CHECK(cfg.source == "t.toml");
  CHECK(cfg.name == "alpha");
  CHECK(cfg.data_dir == "/var/lib/smith");
  CHECK(cfg.scheduler.threads == 4);
  CHECK(cfg.scheduler.effective_threads() == 4);
  CHECK(cfg.scheduler.policy == scheduler_policy::stealing);
  CHECK(cfg.log.level == "debug");
  CHECK(cfg.log.format == log_format::json);
  CHECK(cfg.root.flags.strategy_ == sup::strategy::rest_for_one);
  CHECK(cfg.root.flags.intensity == 7);
  CHECK(cfg.root.flags.period == 60000ms);
  CHECK(cfg.root.flags.auto_shutdown_ == sup::auto_shutdown::any_significant);
  REQUIRE(cfg.domains.size() == 2);
  const auto& billing = cfg.domains[0];
  CHECK(billing.name == "billing");
  CHECK(billing.sup.flags.strategy_ == sup::strategy::one_for_one);
  CHECK(billing.sup.flags.intensity == 9);
  CHECK(billing.sup.flags.period == 2000ms);
  CHECK(billing.sup.flags.auto_shutdown_ == sup::auto_shutdown::all_significant);
  CHECK(billing.restart == sup::restart_type::transient);
  CHECK(billing.shutdown.kind == sup::shutdown_spec::mode::timeout);
  CHECK(billing.shutdown.timeout == 15000ms);
  REQUIRE(billing.pools.size() == 1);
  const auto& pool = billing.pools[0];
  CHECK(pool.agent == "invoice");
  CHECK(pool.name == "invoices");
  CHECK(pool.instances == 8);
  CHECK(pool.sup.flags.strategy_ == sup::strategy::one_for_all);
  CHECK(pool.sup.flags.intensity == 11);
  CHECK(pool.sup.flags.period == 3000ms);
  CHECK(pool.sup.flags.auto_shutdown_ == sup::auto_shutdown::any_significant);
  CHECK(pool.restart == sup::restart_type::temporary);
  CHECK(pool.shutdown.kind == sup::shutdown_spec::mode::brutal_kill);
  CHECK(pool.mailbox_capacity == 64);
  CHECK(pool.backoff.initial == 100ms);
  CHECK(pool.backoff.max == 8000ms);
  CHECK(pool.backoff.multiplier == doctest::Approx(1.5));
  CHECK(pool.backoff.jitter == doctest::Approx(0.25));
  CHECK(pool.backoff.reset_after == 30000ms);
  CHECK(pool.settings == std::map<std::string, std::string>{{"currency", "EUR"},
                                                            {"retries", "3"},
                                                            {"ratio", "0.5"},
                                                            {"strict", "true"},
                                                            {"since", "2024-01-31"}});
}

TEST_CASE("every scheduler policy name maps onto its value") {
  CHECK(load_ok("[scheduler]\npolicy = \"sharing\"\n").scheduler.policy
        == scheduler_policy::sharing);
  CHECK(load_ok("[scheduler]\npolicy = \"stealing\"\n").scheduler.policy
        == scheduler_policy::stealing);
  CHECK(load_ok("[scheduler]\npolicy = \"affinity\"\n").scheduler.policy
        == scheduler_policy::affinity);
}

TEST_CASE("keys left out take their documented defaults") {
  auto cfg = load_ok(full_text);
  const auto& audit = cfg.domains.at(1);
  CHECK(audit.sup.flags.strategy_ == sup::strategy::rest_for_one);
  CHECK(audit.sup.flags.intensity == 3);
  CHECK(audit.sup.flags.period == 5000ms);
  CHECK(audit.sup.flags.auto_shutdown_ == sup::auto_shutdown::never);
  CHECK(audit.restart == sup::restart_type::permanent);
  CHECK(audit.shutdown.kind == sup::shutdown_spec::mode::brutal_kill);
  const auto& pool = audit.pools.at(0);
  CHECK(pool.name == "auditor");
  CHECK(pool.instances == 1);
  CHECK(pool.sup.flags.strategy_ == sup::strategy::one_for_one);
  CHECK(pool.sup.flags.intensity == 5);
  CHECK(pool.sup.flags.period == 10000ms);
  CHECK(pool.restart == sup::restart_type::permanent);
  CHECK(pool.shutdown.kind == sup::shutdown_spec::mode::timeout);
  CHECK(pool.shutdown.timeout == 5000ms);
  CHECK(pool.mailbox_capacity == 1024);
  CHECK(pool.backoff.initial == 50ms);
  CHECK(pool.backoff.max == 50ms); // max_ms defaults to initial_ms
  CHECK(pool.backoff.multiplier == doctest::Approx(3.0));
  CHECK(pool.settings.empty());
}

TEST_CASE("an empty document is a node with default settings and no domains") {
  auto cfg = load_ok("");
  CHECK(cfg.name == "node-1");
  CHECK(cfg.data_dir == "./data");
  CHECK(cfg.scheduler.threads == 0);
  CHECK(cfg.scheduler.effective_threads() >= 1);
  CHECK(cfg.scheduler.policy == scheduler_policy::affinity);
  CHECK(cfg.log.level == "info");
  CHECK(cfg.log.format == log_format::text);
  CHECK(cfg.root.flags.strategy_ == sup::strategy::one_for_all);
  CHECK(cfg.root.flags.intensity == 3);
  CHECK(cfg.root.flags.period == 5000ms);
  CHECK(cfg.domains.empty());
}

TEST_CASE("a config file loads and records its path as the source") {
  temp_dir dir;
  auto path = dir.write("smithd.toml", full_text);
  auto cfg = load_config_file(path);
  REQUIRE_MESSAGE(cfg, "error: ", cfg ? std::string{} : message_of(cfg.error()));
  CHECK(cfg->source == path);
  CHECK(cfg->name == "alpha");
}

TEST_CASE("errors in a config file are prefixed with its path, line and column") {
  temp_dir dir;
  auto path = dir.write("bad.toml", "[scheduler]\nthreads = 300\n");
  auto cfg = load_config_file(path);
  REQUIRE_FALSE(cfg);
  CHECK(cfg.error() == config_errc::out_of_range);
  CHECK(message_of(cfg.error()) == path + ":2:11: 'threads' must be an integer in 0..256, got 300");
}

TEST_CASE("a missing file is file_not_found with the OS reason at path:1:1") {
  temp_dir dir;
  auto path = dir.file("missing.toml");
  auto cfg = load_config_file(path);
  REQUIRE_FALSE(cfg);
  CHECK(cfg.error() == config_errc::file_not_found);
  CHECK(message_of(cfg.error()) == path + ":1:1: cannot open file: No such file or directory");
}

TEST_CASE("a directory given as config file is file_not_found") {
  temp_dir dir;
  auto path = dir.file("");
  auto cfg = load_config_file(path);
  REQUIRE_FALSE(cfg);
  CHECK(cfg.error() == config_errc::file_not_found);
  SMITH_CHECK_PREFIX(message_of(cfg.error()), path + ":1:1: cannot open file: ");
}

TEST_CASE("the shipped example configs in config/ load") {
  auto* env_dir = std::getenv("SMITH_SOURCE_DIR");
  std::string source_dir = env_dir != nullptr ? env_dir : SMITH_TEST_SOURCE_DIR;
  auto full = load_config_file(source_dir + "/config/smithd.toml");
  REQUIRE_MESSAGE(full, "error: ", full ? std::string{} : message_of(full.error()));
  CHECK(full->name == "node-1");
  REQUIRE(full->domains.size() == 1);
  CHECK(full->domains[0].name == "examples");
  CHECK(full->domains[0].pools.size() == 2);
  auto minimal = load_config_file(source_dir + "/config/minimal.toml");
  REQUIRE_MESSAGE(minimal, "error: ", minimal ? std::string{} : message_of(minimal.error()));
  REQUIRE(minimal->domains.size() == 1);
  REQUIRE(minimal->domains[0].pools.size() == 1);
  CHECK(minimal->domains[0].pools[0].name == "echo");
}
