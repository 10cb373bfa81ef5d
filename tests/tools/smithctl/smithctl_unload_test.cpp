// smithctl domain unload when another node does not confirm the deregistration in time, and
// --node reaching a node that discovery did not hear from.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "runtime/nats/connection.hpp"

#include "tests/support/eventually.hpp"
#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith::test;
using namespace std::chrono_literals;

namespace {

/// Starts smithd node `name` (heartbeats every 100 ms; a peer silent for `down_after_ms`
/// counts as down).
std::unique_ptr<child_process> start_unload_node(const nats_server& server,
                                                 const std::string& name,
                                                 int down_after_ms = 10000) {
  auto dir = std::filesystem::path{server.dir()} / "unload";
  std::filesystem::create_directories(dir);
  auto file = (dir / (name + ".toml")).string();
  std::ofstream{file} << "[node]\nname = \"" << name << "\"\ndata_dir = \""
                      << (dir / name).string() << "\"\n[nats]\nurls = [\"" << server.url()
                      << "\"]\n[cluster]\nheartbeat_interval_ms = 100\ndown_after_ms = "
                      << down_after_ms << "\n"
                      << "anti_entropy_interval_ms = 400\n";
  return std::make_unique<child_process>(
    std::vector<std::string>{bin_path("smithd"), "--config", file});
}

} // namespace

TEST_CASE("domain unload that a frozen node does not confirm warns on stderr and succeeds") {
  nats_server server;
  auto u1 = start_unload_node(server, "u1");
  auto u2 = start_unload_node(server, "u2");
  auto ctl = [&](std::vector<std::string> args, const std::string& timeout = "2s") {
    args.insert(args.begin(), {"--server", server.url(), "--timeout", timeout});
    return run_smithctl(args);
  };
  REQUIRE_MESSAGE(eventually([&] {
    auto j = ctl({"--json", "nodes"}).json();
    return !j.is_discarded() && j.contains("nodes") && j["nodes"].size() == 2;
  }, 15s), u1->output());
  // Both answering smithctl is not enough: u1's membership must count u2 as up, or the
  // barrier has nobody to ask (seen when the load and unload ran within u1's first second).
  REQUIRE_MESSAGE(u1->wait_for_line([](const std::string& line) {
    return line.find("membership: node u2 is up") != std::string::npos;
  }, 15s), u1->output());
  auto load = ctl({"domain", "load", "hello", "--node", "u1", "--json"});
  REQUIRE_MESSAGE(load.rc == 0, load.out);
  // u2 stops answering (it stays up for the others: 10 s before it counts as down).
  u2->signal(SIGSTOP);
  // (Discovery waits the --timeout for u2, which no longer answers.)
  auto r = ctl({"domain", "unload", "hello", "--node", "u1"}, "500ms");
  u2->signal(SIGCONT);
  INFO(r.out);
  CHECK(r.rc == 0);
  CHECK(r.out.find("unloaded hello") != std::string::npos);
  CHECK(r.out.find("warning: node u1: ") != std::string::npos);
  CHECK(r.out.find("u2: ") != std::string::npos);
  auto listed = ctl({"domains", "--node", "u1", "--json"}).json();
  REQUIRE_FALSE(listed.is_discarded());
  for (auto& d : listed["nodes"][0]["domains"])
    CHECK(d["name"] != "hello");
}

// Discovery ends once every node the answers count as up has answered, so a node that the
// others do not know yet (it just joined) or count as down is missing from it. Naming that
// node with --node must still reach it.
TEST_CASE("--node reaches a node that the nodes answering discovery count as down") {
  nats_server server;
  // A node's heartbeat names how long its silence may last: r1's is short.
  auto r1 = start_unload_node(server, "r1", 300);
  auto r2 = start_unload_node(server, "r2");
  REQUIRE_MESSAGE(r2->wait_for_line([](const std::string& line) {
    return line.find("membership: node r1 is up") != std::string::npos;
  }, 15s), r2->output());
  REQUIRE(smith::test::eventually([&] {
    return run_smithctl({"--server", server.url(), "--timeout", "2s", "domains", "--node", "r1"})
             .rc == 0;
  }, 15s));
  r1->signal(SIGSTOP);
  REQUIRE_MESSAGE(r2->wait_for_line([](const std::string& line) {
    return line.find("membership: node r1 is down") != std::string::npos;
  }, 15s), r2->output());
  // r1 resumes only once smithctl asks it directly, i.e. after discovery heard r2 alone.
  smith::nats::nats_options opts;
  opts.urls = {server.url()};
  auto conn = smith::nats::connection::connect(opts);
  REQUIRE(conn);
  std::atomic<bool> asked{false};
  auto sub = (*conn)->subscribe("smith.admin.r1.info", "",
                                [&](smith::nats::inbound_msg&&) { asked = true; });
  REQUIRE(sub);
  REQUIRE((*conn)->flush(std::chrono::seconds{5}) == caf::none);
  child_process ctl{{bin_path("smithctl"), "--server", server.url(), "--timeout", "5s",
                     "domains", "--node", "r1", "--json"}};
  bool reached = smith::test::eventually([&] { return asked.load(); }, 10s);
  r1->signal(SIGCONT);
  CHECK(ctl.wait_exit(10s) == 0);
  INFO(ctl.output());
  REQUIRE(reached);
  auto listed = nlohmann::json::parse(ctl.output(), nullptr, false);
  REQUIRE_FALSE(listed.is_discarded());
  CHECK(listed["nodes"][0]["node"] == "r1");
}
