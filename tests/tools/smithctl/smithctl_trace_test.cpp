// A request's trace id in the logs of every smithd it crosses (text and JSON log formats).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// Nodes t1 (text logs) and t2 (JSON logs) at debug level, one echo agent each.
struct trace_pair {
  nats_server server;
  std::vector<std::unique_ptr<child_process>> nodes;

  trace_pair() {
    auto dir = std::filesystem::path{server.dir()} / "trace";
    std::filesystem::create_directories(dir);
    for (std::string name : {"t1", "t2"}) {
      auto file = (dir / (name + ".toml")).string();
      std::ofstream{file} << "[node]\nname = \"" << name << "\"\ndata_dir = \""
                          << (dir / name).string() << "\"\n[nats]\nurls = [\""
                          << server.url() << "\"]\n[log]\nlevel = \"debug\"\nformat = \""
                          << (name == "t1" ? "text" : "json") << "\"\n"
                          << "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                          << "  [[domain.pool]]\n  agent = \"echo\"\n  instances = 1\n";
      nodes.push_back(std::make_unique<child_process>(
        std::vector<std::string>{bin_path("smithd"), "--config", file}));
    }
    // Ready once smithctl reaches both echo agents through the cluster.
    auto deadline = std::chrono::steady_clock::now() + 15s;
    for (std::string target : {"echo-t1-1", "echo-t2-1"})
      while (send(target, "").rc != 0)
        REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, nodes[0]->output());
  }

  /// Reads what the nodes wrote so far: at debug level they write enough to fill a pipe.
  void drain() {
    for (auto& n : nodes)
      n->wait_for_line([](const std::string&) { return false; }, 5ms);
  }

  ctl_result send(const std::string& agent, const std::string& traceparent) {
    drain();
    std::vector<std::string> args{"--server", server.url(), "--timeout", "2s", "--json",
                                  "send", agent, "echo", "--json", "{\"text\": \"t\"}"};
    if (!traceparent.empty())
      args.insert(args.end(), {"--traceparent", traceparent});
    return run_smithctl(args);
  }

  /// Whether node `i` logged (or logs within 5 s) a line about trace `id` containing `what`.
  /// t1 writes text (`... trace=<id>`), t2 JSON lines (`"trace_id":"<id>"` and `msg`).
  bool logged(size_t i, const std::string& id, const std::string& what) {
    auto match = [&](const std::string& l) {
      if (i == 0)
        return l.find(what) != std::string::npos && l.find(" trace=" + id) != std::string::npos;
      auto j = json::parse(l, nullptr, false);
      return !j.is_discarded() && j.value("trace_id", std::string{}) == id
             && j.value("msg", std::string{}).find(what) != std::string::npos;
    };
    for (auto& l : nodes[i]->lines())
      if (match(l))
        return true;
    return nodes[i]->wait_for_line(match, 5s);
  }
};

} // namespace

TEST_CASE("a request's trace id appears in the log of every node it crosses") {
  trace_pair p;
  const std::string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const std::string id = "4bf92f3577b34da6a3ce929d0e0e4736";
  // smithctl asks the first node (by name) for `send`: t1's admin service publishes both
  // calls; the one to echo-t2-1 crosses to t2, whose bridge hands it to the agent.
  for (size_t target : {0u, 1u}) {
    auto agent = target == 0 ? "echo-t1-1" : "echo-t2-1";
    auto node = target == 0 ? "t1" : "t2";
    auto r = p.send(agent, parent);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(r.json()["trace_id"] == id);
    CHECK(p.logged(target, id, std::string{"bridge "} + node + ": request echo"));
    CHECK(p.logged(target, id, std::string{"bridge "} + node + ": examples/" + agent
                                 + " answered echo"));
    CHECK(p.logged(0, id, std::string{"admin t1: send echo to examples/"} + agent));
  }
}

TEST_CASE("smithctl send without a traceparent or with a malformed one gets a fresh trace") {
  trace_pair p;
  auto fresh = p.send("echo-t2-1", "");
  REQUIRE(fresh.rc == 0);
  auto id = fresh.json()["trace_id"].get<std::string>();
  CHECK(id.size() == 32);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(p.logged(1, id, "bridge t2: request echo"));
  auto bad = p.send("echo-t2-1", "00-xyz-01");
  REQUIRE(bad.rc == 0);
  auto other = bad.json()["trace_id"].get<std::string>();
  CHECK(other.size() == 32);
  CHECK(other != id);
  CHECK(p.logged(1, other, "bridge t2: request echo"));
}
