// A request's trace id in the logs of every smithd it crosses (text and JSON log formats).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include "tests/support/eventually.hpp"
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
    // Ready once both nodes know each other (smithctl then sees both) and smithctl reaches
    // both echo agents through the cluster.
    REQUIRE_MESSAGE(eventually([&] { return both_members(); }, 15s), nodes[0]->output());
    for (std::string target : {"echo-t1-1", "echo-t2-1"})
      REQUIRE_MESSAGE(eventually([&] { return send(target, "").rc == 0; }, 15s),
                      nodes[0]->output());
  }

  bool both_members() {
    drain();
    auto j = run_smithctl({"--server", server.url(), "--timeout", "2s", "--json", "nodes"}).json();
    return !j.is_discarded() && j.contains("nodes") && j["nodes"].size() == 2;
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

  /// Whether line `l` of node `i` is about trace `id` and contains `what`. t1 writes text
  /// (`... trace=<id>`), t2 JSON lines (`"trace_id":"<id>"` and `msg`).
  static bool about(size_t i, const std::string& l, const std::string& id,
                    const std::string& what) {
    if (i == 0)
      return l.find(what) != std::string::npos && l.find(" trace=" + id) != std::string::npos;
    auto j = json::parse(l, nullptr, false);
    return !j.is_discarded() && j.value("trace_id", std::string{}) == id
           && j.value("msg", std::string{}).find(what) != std::string::npos;
  }

  /// The node (0 or 1) that logged a line about trace `id` containing `what(node)` within
  /// 5 s, or -1.
  int find_logger(const std::string& id, const std::function<std::string(size_t)>& what) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      drain();
      for (size_t i = 0; i < nodes.size(); ++i)
        for (auto& l : nodes[i]->lines())
          if (about(i, l, id, what(i)))
            return static_cast<int>(i);
    }
    return -1;
  }

  /// Whether node `i` logged (or logs within 5 s) a line about trace `id` containing `what`.
  bool logged(size_t i, const std::string& id, const std::string& what) {
    for (auto& l : nodes[i]->lines())
      if (about(i, l, id, what))
        return true;
    return nodes[i]->wait_for_line([&](const std::string& l) { return about(i, l, id, what); },
                                   5s);
  }
};

} // namespace

TEST_CASE("a request's trace id appears in the log of every node it crosses") {
  trace_pair p;
  // smithctl asks the node that answered its discovery first to send; that node publishes
  // the call and the target's node hands it to the agent. Which node answers first varies,
  // so sends go to both agents, each with its own trace, until one has crossed nodes.
  bool crossed = false;
  for (int attempt = 0; attempt < 10 && !crossed; ++attempt)
    for (size_t target : {0u, 1u}) {
      char tail[3];
      std::snprintf(tail, sizeof tail, "%02x", attempt * 2 + static_cast<int>(target));
      const std::string id = std::string{"4bf92f3577b34da6a3ce929d0e0e47"}.append(tail);
      const std::string parent = "00-" + id + "-00f067aa0ba902b7-01";
      std::string agent = target == 0 ? "echo-t1-1" : "echo-t2-1";
      std::string node = target == 0 ? "t1" : "t2";
      // Retried like the fixture's readiness check: under load a node's view of the other's
      // agents can lapse for a moment (membership), which is not what this test is about.
      ctl_result r;
      eventually([&] { return (r = p.send(agent, parent)).rc == 0; }, 15s);
      INFO(r.out);
      REQUIRE(r.rc == 0);
      CHECK(r.json()["trace_id"] == id);
      CHECK(p.logged(target, id, "bridge " + node + ": request echo"));
      CHECK(p.logged(target, id, "bridge " + node + ": examples/" + agent + " answered echo"));
      auto admin = p.find_logger(id, [&](size_t i) {
        return "admin t" + std::to_string(i + 1) + ": send echo to examples/" + agent;
      });
      REQUIRE(admin >= 0);
      crossed = crossed || admin != static_cast<int>(target);
    }
  CHECK(crossed);
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
