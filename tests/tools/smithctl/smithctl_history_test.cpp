// smithctl events after a node restart: the persisted history merged with the live one.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// One smithd (node h1, one persistent counter) on its own nats-server and data dir.
struct history_node {
  nats_server server;
  std::string config;
  std::unique_ptr<child_process> proc;

  history_node() {
    auto dir = std::filesystem::path{server.dir()} / "h1";
    std::filesystem::create_directories(dir);
    config = (dir / "h1.toml").string();
    std::ofstream{config} << "[node]\nname = \"h1\"\ndata_dir = \"" << (dir / "data").string()
                          << "\"\n[nats]\nurls = [\"" << server.url() << "\"]\n"
                          << "[persistence]\nenabled = true\n"
                          << "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                          << "  [[domain.pool]]\n  agent = \"counter\"\n  instances = 1\n";
  }

  /// Starts smithd and waits until smithctl can inspect the counter.
  void start() {
    proc = std::make_unique<child_process>(
      std::vector<std::string>{bin_path("smithd"), "--config", config});
    REQUIRE(proc->wait_for_line(
      [](const std::string& l) { return l.find("node h1 up") != std::string::npos; }, 10s));
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (ctl({"inspect", "counter-h1-1", "--json"}).rc != 0)
      REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, proc->output());
  }

  void stop() {
    proc->signal(SIGTERM);
    CHECK(proc->wait_exit(10s) == 0);
  }

  ctl_result ctl(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--server", server.url(), "--timeout", "2s"});
    return run_smithctl(std::move(args));
  }

  /// The counter's events (REQUIREs success).
  json events() const {
    auto r = ctl({"events", "counter-h1-1", "--json"});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    return r.json()["events"];
  }
};

std::map<std::string, int> kinds_of(const json& events) {
  std::map<std::string, int> out;
  for (auto& e : events)
    ++out[e["source"].get<std::string>() + " " + e["kind"].get<std::string>()];
  return out;
}

/// Events come oldest first, each once.
void check_ordered_and_unique(const json& events) {
  int64_t last = INT64_MIN;
  std::set<std::string> seen;
  for (auto& e : events) {
    auto t = std::stoll(e["monotonic_ns"].get<std::string>());
    CHECK(t >= last);
    last = t;
    CHECK(seen.insert(e.dump()).second);
  }
}

} // namespace

TEST_CASE("smithctl events keeps transitions and restart decisions across a node restart") {
  history_node n;
  n.start();
  REQUIRE(n.ctl({"agent", "restart", "counter-h1-1", "--json"}).rc == 0);
  auto before = n.events();
  auto k1 = kinds_of(before);
  INFO(before.dump(1));
  // Incarnation 1 is only in the store now (the agent's live history is incarnation 2's):
  // both incarnations' starts appear, each once.
  CHECK(k1["lifecycle registered -> active"] == 2);
  CHECK(k1["supervisor child_terminated"] == 1);
  check_ordered_and_unique(before);
  n.stop();
  n.start();
  auto after = n.events();
  auto k2 = kinds_of(after);
  INFO(after.dump(1));
  // Everything seen before the restart is still there, plus the new run's start.
  for (auto& [kind, count] : k1)
    CHECK_MESSAGE(k2[kind] >= count, kind);
  CHECK(k2["supervisor child_terminated"] == 2); // the restart, then the node's stop
  CHECK(k2["supervisor child_restarted"] == 1);
  CHECK(k2["supervisor child_started"] == 2); // one per run of the node
  CHECK(k2["lifecycle registered -> active"] == 3);
  CHECK(k2["lifecycle draining -> terminated"] >= 2); // the restart, then the node's stop
  check_ordered_and_unique(after);
  for (auto& e : after)
    CHECK(e["at"].get<std::string>().rfind("20", 0) == 0); // a real wall-clock timestamp
}
