// smithctl against a 3-node cluster of real smithd processes on a real nats-server.
#include <doctest/doctest.h>

#include <csignal>
#include <set>

#include "runtime/bridge/wire.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/admin/v1/admin.pb.h"
#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith::test;
using nlohmann::json;

namespace {

std::set<std::string> names_of(const json& records) {
  std::set<std::string> out;
  for (auto& r : records)
    out.insert(r["id"]["name"].get<std::string>());
  return out;
}

/// The JSON of a successful run (checks rc 0 and that it parses).
json ok_json(const ctl_result& r) {
  INFO(r.out);
  REQUIRE(r.rc == 0);
  auto j = r.json();
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

/// Finds the child `id` in a Tree's supervisor JSON, depth first; null when absent.
const json* find_child(const json& sup, const std::string& id) {
  if (!sup.contains("children"))
    return nullptr;
  for (auto& c : sup["children"]) {
    if (c["id"] == id)
      return &c;
    if (c.contains("supervisor"))
      if (auto* hit = find_child(c["supervisor"], id))
        return hit;
  }
  return nullptr;
}

} // namespace

TEST_CASE("smithctl reads the cluster: nodes, tree, agents, find, domains, top") {
  auto& c = ctl_cluster::get();
  SUBCASE("nodes lists the 3 members, as a table and as JSON") {
    auto j = ok_json(c.ctl({"nodes", "--json"}));
    REQUIRE(j["nodes"].size() == 3);
    std::set<std::string> names;
    for (auto& n : j["nodes"]) {
      names.insert(n["node"].get<std::string>());
      CHECK(n["status"] == "up");
      CHECK(n["agents_by_state"]["active"] == "3");
      CHECK(n["members"].size() == 2);
    }
    CHECK(names == std::set<std::string>{"n1", "n2", "n3"});
    auto h = c.ctl({"nodes"});
    INFO(h.out);
    CHECK(h.rc == 0);
    CHECK(h.out.find("NODE  STATUS  VERSION") == 0);
    CHECK(h.out.find("n2    up") != std::string::npos);
  }
  SUBCASE("tree shows supervisors with strategy and intensity and the agents") {
    auto j = ok_json(c.ctl({"tree", "--node", "n2", "--json"}));
    REQUIRE(j["trees"].size() == 1);
    auto& root = j["trees"][0]["root"];
    CHECK(root["path"] == "root");
    CHECK(root["strategy"] == "one_for_all");
    CHECK(root["intensity"] == 3);
    auto* pool = find_child(root, "counter");
    REQUIRE(pool != nullptr);
    CHECK((*pool)["supervisor"]["strategy"] == "one_for_one");
    CHECK((*pool)["supervisor"]["path"] == "root/examples/counter");
    auto* agent = find_child(root, "counter-n2-1");
    REQUIRE(agent != nullptr);
    CHECK((*agent)["status"] == "running");
    CHECK(find_child(root, "admin") != nullptr);
    auto all = ok_json(c.ctl({"tree", "--json"}));
    CHECK(all["trees"].size() == 3);
    auto h = c.ctl({"tree", "--node", "n1"});
    CHECK(h.rc == 0);
    CHECK(h.out.find("echo-n1-2  worker  running  permanent") != std::string::npos);
  }
  SUBCASE("agents filters by domain, node and state") {
    auto all = ok_json(c.ctl({"agents", "--json"}));
    CHECK(all["agents"].size() == 9);
    auto n3 = ok_json(c.ctl({"agents", "--node", "n3", "--json"}));
    CHECK(names_of(n3["agents"]) == std::set<std::string>{"counter-n3-1", "echo-n3-1", "echo-n3-2"});
    auto none = ok_json(c.ctl({"agents", "--domain", "nope", "--json"}));
    CHECK(none["agents"].empty());
    auto active = ok_json(c.ctl({"agents", "--state", "active", "--capability", "count", "--json"}));
    CHECK(names_of(active["agents"])
          == std::set<std::string>{"counter-n1-1", "counter-n2-1", "counter-n3-1"});
    auto h = c.ctl({"agents", "--node", "n1"});
    CHECK(h.rc == 0);
    CHECK(h.out.find("examples  counter-n1-1  n1    counter  active") != std::string::npos);
  }
  SUBCASE("find by capability, range and health") {
    auto j = ok_json(c.ctl({"find", "echo", "--version", "^1", "--json"}));
    CHECK(j["agents"].size() == 6);
    auto one = ok_json(c.ctl({"find", "count", "--healthy", "--json"}));
    REQUIRE(one["agents"].size() == 1);
    CHECK(one["agents"][0]["id"]["name"].get<std::string>().rfind("counter-", 0) == 0);
    auto miss = c.ctl({"find", "echo", "--version", "^2", "--json"});
    CHECK(miss.rc == 1);
    CHECK(miss.json()["error"]["code"] == "NOT_FOUND");
  }
  SUBCASE("domains lists the loaded plugins, domain load and unload manage one at runtime") {
    auto j = ok_json(c.ctl({"domains", "--json"}));
    REQUIRE(j["nodes"].size() == 3);
    auto& ex = j["nodes"][0]["domains"][0];
    CHECK(ex["name"] == "examples");
    CHECK(ex["state"] == "running");
    CHECK(ex["agents"] == 3);
    CHECK(ex["source"].get<std::string>().find("libsmith_domain_examples.so") != std::string::npos);
    auto outside = c.ctl({"domain", "load", "/tmp/x.so", "--node", "n1", "--json"});
    CHECK(outside.rc == 1);
    CHECK(outside.json()["error"]["code"] == "REFUSED");
    CHECK(outside.json()["error"]["message"].get<std::string>().find("/tmp/x.so")
          != std::string::npos);
    auto load = ok_json(c.ctl({"domain", "load", "hello", "--node", "n1", "--json"}));
    auto listed = ok_json(c.ctl({"domains", "--node", "n1", "--json"}));
    bool hello = false;
    for (auto& d : listed["nodes"][0]["domains"])
      hello = hello || (d["name"] == "hello" && d["state"] == "running");
    CHECK_MESSAGE(hello, listed.dump() << " after " << load.dump());
    ok_json(c.ctl({"domain", "unload", "hello", "--node", "n1", "--json"}));
    auto after = ok_json(c.ctl({"domains", "--node", "n1", "--json"}));
    for (auto& d : after["nodes"][0]["domains"])
      CHECK(d["name"] != "hello");
    auto h = c.ctl({"domains", "--node", "n3"});
    CHECK(h.out.find("examples") != std::string::npos);
    CHECK(h.out.find("running") != std::string::npos);
  }
  SUBCASE("top samples every agent with its mailbox depth and message rate") {
    auto j = ok_json(c.ctl({"top", "--once", "--json", "--limit", "100"}));
    CHECK(j["agents"].size() == 9);
    auto r = c.ctl({"top", "--iterations", "2", "--interval", "200ms", "--json"});
    REQUIRE(r.rc == 0);
    auto second = json::parse(r.out.substr(r.out.find('\n') + 1), nullptr, false);
    REQUIRE_FALSE(second.is_discarded());
    CHECK(second["agents"][0]["rate"].is_number()); // known from the 2nd sample on
    auto h = c.ctl({"top", "--once"});
    CHECK(h.out.find("NODE  AGENT") == 0);
  }
  SUBCASE("top without --iterations refreshes until Ctrl-C and then exits 0") {
    child_process top{{bin_path("smithctl"), "--server", c.url(), "top", "--interval", "100ms"}};
    // Two refreshes seen: it is looping, not finished.
    int tables = 0;
    REQUIRE(top.wait_for_line([&](const std::string& l) { return l.rfind("NODE", 0) == 0 && ++tables == 2; },
                              std::chrono::seconds{10}));
    top.signal(SIGINT);
    CHECK(top.wait_exit(std::chrono::seconds{5}) == 0);
  }
}

TEST_CASE("the admin service answers malformed and misdirected requests with specific errors") {
  auto& c = ctl_cluster::get();
  smith::nats::nats_options opts;
  opts.urls = {c.url()};
  auto conn = smith::nats::connection::connect(opts);
  REQUIRE(conn);
  auto ask = [&](const std::string& subject, const std::string& body) {
    auto res = (*conn)->request(subject, {}, body, std::chrono::seconds{5});
    REQUIRE(res);
    return *res;
  };
  namespace v1 = smith::admin::v1;
  SUBCASE("an unknown verb") {
    auto res = ask("smith.admin.n1.fly", "");
    CHECK(*smith::nats::find_header(res.headers, "Smith-Type") == "smith.admin.v1.InfoReply");
    v1::InfoReply r;
    REQUIRE(r.ParseFromString(res.data));
    CHECK(r.error().code() == v1::ADMIN_ERROR_CODE_BAD_REQUEST);
    CHECK(r.error().message().find("unknown admin verb 'fly'") != std::string::npos);
  }
  SUBCASE("a payload that is not the verb's request") {
    auto res = ask("smith.admin.n2.inspect", std::string{"\xff\xff\xff", 3});
    v1::InspectReply r;
    REQUIRE(r.ParseFromString(res.data));
    CHECK(r.error().code() == v1::ADMIN_ERROR_CODE_BAD_REQUEST);
    CHECK(r.error().message().find("smith.admin.v1.InspectRequest") != std::string::npos);
  }
  SUBCASE("an agent of another node, and a node that does not exist") {
    v1::InspectRequest req;
    req.mutable_agent()->set_name("counter-n2-1");
    auto res = ask("smith.admin.n1.inspect", req.SerializeAsString());
    v1::InspectReply r;
    REQUIRE(r.ParseFromString(res.data));
    CHECK(r.error().code() == v1::ADMIN_ERROR_CODE_NOT_FOUND);
    CHECK(r.error().message().find("no agent 'counter-n2-1' on node n1") != std::string::npos);
    auto none = (*conn)->request("smith.admin.n9.info", {}, "", std::chrono::seconds{5});
    CHECK((!none || none->no_responders));
  }
}

TEST_CASE("smithctl send, inspect, events and agent control on a live counter") {
  auto& c = ctl_cluster::get();
  SUBCASE("inspect shows the counter's value after N increments sent from smithctl") {
    auto before = ok_json(c.ctl({"--json", "send", "counter-n3-1", "get", "--json", "{}"}));
    auto start = std::stoll(before["reply"].value("value", std::string{"0"}));
    for (int i = 0; i < 4; ++i) {
      auto r = ok_json(c.ctl({"--json", "send", "examples/counter-n3-1", "add", "--body", "{\"n\": 1}"}));
      CHECK(r["reply_type"] == "smith.examples.v1.CounterValue");
    }
    auto j = ok_json(c.ctl({"inspect", "counter-n3-1", "--json"}));
    CHECK(j["state_type"] == "smith.examples.v1.CounterValue");
    CHECK(j["agent_state"]["value"] == std::to_string(start + 4));
    CHECK(j["state"] == "LIFECYCLE_STATE_ACTIVE");
    CHECK(j["node"] == "n3");
    CHECK(j["supervisor"] == "root/examples/counter");
    CHECK(j["counters"]["handled"] == "5"); // get + 4 adds (a fresh process, a fresh node)
    CHECK(j["history"].size() >= 3);
    auto h = c.ctl({"inspect", "counter-n3-1"});
    CHECK(h.out.find("state        smith.examples.v1.CounterValue {\"value\":\""
                     + std::to_string(start + 4) + "\"}") != std::string::npos);
  }
  SUBCASE("send refuses bad JSON and unknown actions with exit code 1") {
    auto bad = c.ctl({"send", "counter-n1-1", "add", "--json", "{\"nope\": 1}"});
    CHECK(bad.rc == 1);
    CHECK(bad.out.find("not a smith.examples.v1.AddRequest") != std::string::npos);
    auto act = c.ctl({"--json", "send", "counter-n1-1", "fly", "--json", "{}"});
    CHECK(act.rc == 1);
    CHECK(act.json()["error"]["code"] == "BAD_REQUEST");
    auto echo = ok_json(c.ctl({"--json", "send", "echo-n2-1", "echo", "--json", "{\"text\": \"hi\"}"}));
    CHECK(echo["reply"]["text"].get<std::string>().find("hi") != std::string::npos);
  }
  SUBCASE("--node names the node of the agent a verb addresses") {
    auto on = ok_json(c.ctl({"--json", "send", "echo-n2-1", "echo", "--node", "n2", "--json",
                             "{\"text\": \"hi\"}"}));
    CHECK(on["reply"]["text"].get<std::string>().find("hi") != std::string::npos);
    auto off = c.ctl({"--json", "inspect", "echo-n2-1", "--node", "n1"});
    CHECK(off.rc == 1);
    CHECK(off.json()["error"]["code"] == "NOT_FOUND");
    CHECK(off.json()["error"]["message"] == "no agent 'echo-n2-1' on n1");
  }
  SUBCASE("suspend, resume, restart and stop through smithctl, with events") {
    auto sus = ok_json(c.ctl({"agent", "suspend", "echo-n1-1", "--json"}));
    CHECK(sus["ok"] == true);
    auto echo = ok_json(c.ctl({"inspect", "echo-n1-1", "--json"}));
    CHECK(echo["agent_state"] == nullptr); // echo exposes no state
    CHECK(echo["state"] == "LIFECYCLE_STATE_SUSPENDED");
    auto susp = ok_json(c.ctl({"agents", "--state", "suspended", "--json"}));
    CHECK(names_of(susp["agents"]).count("echo-n1-1") == 1);
    auto again = c.ctl({"agent", "suspend", "echo-n1-1", "--json"});
    CHECK(again.rc == 1);
    CHECK(again.json()["error"]["code"] == "REFUSED");
    ok_json(c.ctl({"agent", "resume", "echo-n1-1", "--json"}));
    ok_json(c.ctl({"agent", "restart", "echo-n1-2", "--json"}));
    auto tree = ok_json(c.ctl({"tree", "--node", "n1", "--json"}));
    auto* child = find_child(tree["trees"][0]["root"], "echo-n1-2");
    REQUIRE(child != nullptr);
    CHECK((*child)["status"] == "running");
    auto ev = ok_json(c.ctl({"events", "echo-n1-2", "--json"}));
    bool terminated = false;
    for (auto& e : ev["events"])
      terminated = terminated || e["kind"] == "child_terminated";
    CHECK(terminated);
    auto follow = c.ctl({"events", "echo-n1-2", "--follow", "--iterations", "2", "--interval", "100ms"});
    CHECK(follow.rc == 0);
    CHECK(follow.out.find("lifecycle  registered -> active") != std::string::npos);
    // A start that failed under load may have restarted the counter already: count from here.
    auto before = ok_json(c.ctl({"inspect", "counter-n2-1", "--json"}));
    auto incarnation = std::stoull(before["incarnation"].get<std::string>());
    ok_json(c.ctl({"agent", "stop", "counter-n2-1", "--json"}));
    tree = ok_json(c.ctl({"tree", "--node", "n2", "--json"}));
    CHECK((*find_child(tree["trees"][0]["root"], "counter-n2-1"))["status"] == "undefined");
    ok_json(c.ctl({"agent", "restart", "counter-n2-1", "--json"}));
    auto back = ok_json(c.ctl({"inspect", "counter-n2-1", "--json"}));
    CHECK(back["agent_state"]["value"] == "0");
    CHECK(back["incarnation"] == std::to_string(incarnation + 1));
    std::set<std::string> kinds;
    for (auto& e : back["restart_history"])
      kinds.insert(e["kind"].get<std::string>());
    CHECK(kinds.count("SUPERVISOR_EVENT_KIND_CHILD_TERMINATED") == 1);
    CHECK(kinds.count("SUPERVISOR_EVENT_KIND_CHILD_STARTED") == 1);
  }
  SUBCASE("events --follow prints the events of a restart that happens while it follows") {
    child_process follow{{bin_path("smithctl"), "--server", c.url(), "events", "counter-n1-1",
                          "--follow", "--interval", "100ms"}};
    REQUIRE(follow.wait_for_line(
      [](const std::string& l) { return l.find("registered -> active") != std::string::npos; },
      std::chrono::seconds{10}));
    ok_json(c.ctl({"agent", "restart", "counter-n1-1", "--json"}));
    CHECK(follow.wait_for_line(
      [](const std::string& l) { return l.find("supervisor  child_terminated") != std::string::npos; },
      std::chrono::seconds{10}));
    follow.signal(SIGINT);
    CHECK(follow.wait_exit(std::chrono::seconds{5}) == 0);
  }
  SUBCASE("an unknown agent is exit code 1 with a NOT_FOUND error object") {
    auto r = c.ctl({"inspect", "ghost-9", "--json"});
    CHECK(r.rc == 1);
    CHECK(r.json()["error"]["code"] == "NOT_FOUND");
    CHECK(r.json()["exit_code"] == 1);
    auto h = c.ctl({"agent", "drain", "ghost-9"});
    CHECK(h.rc == 1);
    CHECK(h.out.find("no agent 'ghost-9'") != std::string::npos);
  }
}

TEST_CASE("smithctl exit codes: usage 64 and an unreachable cluster 69 within --timeout") {
  SUBCASE("usage errors") {
    CHECK(run_smithctl({"frobnicate"}).rc == 64);
    CHECK(run_smithctl({}).rc == 64);
    auto j = run_smithctl({"inspect", "--json"});
    CHECK(j.rc == 64);
    CHECK(j.json()["error"]["code"] == "USAGE");
    CHECK(run_smithctl({"nodes", "--timeout", "soon"}).rc == 64);
  }
  SUBCASE("no NATS server") {
    auto url = "nats://127.0.0.1:" + std::to_string(free_loopback_port());
    auto start = std::chrono::steady_clock::now();
    auto r = run_smithctl({"--server", url, "--timeout", "1s", "nodes", "--json"});
    auto took = std::chrono::steady_clock::now() - start;
    INFO(r.out);
    CHECK(r.rc == 69);
    auto j = r.json();
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["error"]["code"] == "UNREACHABLE");
    CHECK(took < std::chrono::seconds{3});
  }
  SUBCASE("NATS without any Smith node") {
    nats_server_options no_js;
    no_js.jetstream = false;
    nats_server bare{no_js};
    auto start = std::chrono::steady_clock::now();
    auto r = run_smithctl({"--server", bare.url(), "--timeout", "500ms", "agents", "--json"});
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.rc == 69);
    CHECK(r.json()["error"]["code"] == "UNREACHABLE");
    CHECK(took >= std::chrono::milliseconds{500});
    CHECK(took < std::chrono::milliseconds{2500});
    auto h = run_smithctl({"--server", bare.url(), "--timeout", "300ms", "nodes"});
    CHECK(h.rc == 69);
    CHECK(h.out.find("no Smith node answered") != std::string::npos);
  }
}

TEST_CASE("the bash completion script completes verbs, sub-verbs and options") {
  auto complete = [](const std::string& words, int cword) {
    std::string script = std::string{". "} + SMITH_TEST_SOURCE_DIR
                         + "/tools/smithctl/smithctl.bash-completion; COMP_WORDS=(" + words
                         + "); COMP_CWORD=" + std::to_string(cword)
                         + "; _smithctl; echo \"[${COMPREPLY[*]}]\"";
    child_process p{{"/bin/bash", "-c", script}};
    REQUIRE(p.wait_exit(std::chrono::seconds{10}) == 0);
    return p.output();
  };
  CHECK(complete("smithctl ag", 1).find("[agents agent]") != std::string::npos);
  CHECK(complete("smithctl agent s", 2).find("[stop suspend]") != std::string::npos);
  CHECK(complete("smithctl top --i", 2).find("[--iterations --interval]") != std::string::npos);
  CHECK(complete("smithctl agents --state su", 3).find("[suspended]") != std::string::npos);
}

// Last in the file: the fork adds a tenth agent to the shared cluster.
TEST_CASE("checkpoint, restore, wipe and fork an event-sourced counter") {
  auto& c = ctl_cluster::get();
  auto value_of = [&](const std::string& agent) {
    auto j = ok_json(c.ctl({"inspect", agent, "--json"}));
    return j["agent_state"].value("value", std::string{"0"});
  };
  auto add = [&](int n) {
    ok_json(c.ctl({"--json", "send", "examples/counter-n2-1", "add", "--body",
                   "{\"n\": " + std::to_string(n) + "}"}));
  };
  auto base = std::stoll(value_of("counter-n2-1"));
  add(5);
  auto cp = ok_json(c.ctl({"checkpoint", "counter-n2-1", "five", "--why", "test", "--json"}));
  CHECK(cp["op"] == "checkpoint");
  add(10);
  CHECK(value_of("counter-n2-1") == std::to_string(base + 15));
  ok_json(c.ctl({"restore", "counter-n2-1", "--label", "five", "--json"}));
  CHECK(value_of("counter-n2-1") == std::to_string(base + 5));
  auto unknown = c.ctl({"restore", "counter-n2-1", "--label", "nope", "--json"});
  CHECK(unknown.rc == 1);
  CHECK(unknown.json()["error"]["code"] == "NOT_FOUND");
  auto echo = c.ctl({"wipe", "echo-n2-1", "--json"}); // echo keeps no journal
  CHECK(echo.rc == 1);
  CHECK(echo.json()["error"]["message"].get<std::string>().find("no_journal")
        != std::string::npos);
  auto fork = ok_json(c.ctl({"fork", "counter-n2-1", "counter-n2-copy", "--json"}));
  CHECK(fork["forked"] == "examples/counter-n2-copy");
  CHECK(value_of("counter-n2-copy") == std::to_string(base + 5));
  auto wipe = c.ctl({"wipe", "counter-n2-1", "--why", "stuck"});
  CHECK_MESSAGE(wipe.rc == 0, wipe.out);
  CHECK(wipe.out.find("wipe counter-n2-1: ok") != std::string::npos);
  CHECK(value_of("counter-n2-1") == "0");
  CHECK(value_of("counter-n2-copy") == std::to_string(base + 5)); // the copy is independent
  auto usage = c.ctl({"restore", "counter-n2-1"});
  CHECK(usage.rc == 64); // neither --label nor --seq
}
