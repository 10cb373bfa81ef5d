// The node API for plugin domains: load at boot and at runtime, two majors side by side,
// unload under load, a failing plugin, schema checks. Real nats-server, real plugins.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "runtime/bridge/wire_code.hpp"
#include "runtime/config/config_errc.hpp"
#include "runtime/domain/domain_binding.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/actors/plugins/plugin_node.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

bool has_code(const caf::error& err, plugin::plugin_errc code) {
  return err.category() == caf::atom("smith_plg") && err.code() == static_cast<uint8_t>(code);
}

/// The echo reply's text from pool or agent `name` of examples, or the error rendered.
std::string echo(test::plugin_node& n, const std::string& name, const std::string& text) {
  examples::v1::EchoRequest req;
  req.set_text(text);
  auto rep = n.call<examples::v1::EchoReply>("examples", name, "echo", req);
  return rep ? rep->text() : "error: " + n.sys->render(rep.error());
}

/// Agents the plugin's default pools run.
size_t default_agents(test::plugin_node& n, const std::string& version) {
  size_t total = 0;
  for (auto& p : domain::effective_default_pools(*n.catalog.find("examples", version)))
    total += p.instances;
  return total;
}

} // namespace

TEST_CASE("a domain loaded at runtime is listed with its agents and callable from another node") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  CHECK(n1.node->domains().empty());
  auto info = n1.node->load_domain("examples");
  REQUIRE_MESSAGE(info, n1.sys->render(info.error()));
  CHECK(info->name == "examples");
  CHECK(info->version == "1.0.0");
  CHECK(info->plugin_path == test::plugin_dir() + "/libsmith_domain_examples.so");
  CHECK(info->state == actors::domain_state::running);
  auto agents = default_agents(n1, "^1");
  CHECK(info->agents == agents);
  REQUIRE_MESSAGE(test::eventually([&] { return n2.count("examples", "n1") == agents; }),
                  "n2 sees ", n2.count("examples", "n1"), " of ", agents, " agents");
  CHECK(echo(n2, "echo", "hi") == "echo-n1-1 #1: hi");
  auto listed = n1.node->domains();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].agents == agents);
  CHECK(listed[0].supervisor == "examples");
  auto again = n1.node->load_domain("examples");
  REQUIRE_FALSE(again);
  CHECK(has_code(again.error(), plugin::plugin_errc::duplicate));
}

TEST_CASE("examples 1 and 2 side by side: ranges reach their own major, unloading one keeps the other") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  REQUIRE(n1.node->load_domain("examples"));
  auto v2 = n1.node->load_domain("examples_v2");
  REQUIRE_MESSAGE(v2, n1.sys->render(v2.error()));
  CHECK(v2->version == "2.0.0");
  CHECK(v2->supervisor == "examples-v2");
  auto total = default_agents(n1, "^1") + default_agents(n1, "^2");
  REQUIRE(test::eventually([&] { return n2.count("examples", "n1") == total; }));
  auto v1s = n2.discover("echo", "^1");
  auto v2s = n2.discover("echo", "^2");
  REQUIRE_FALSE(v1s.empty());
  REQUIRE_FALSE(v2s.empty());
  for (auto& r : v1s) {
    CHECK(r.id.version == "1.0.0");
    CHECK(r.id.name.rfind("echo-n1-", 0) == 0);
  }
  for (auto& r : v2s) {
    CHECK(r.id.version == "2.0.0");
    CHECK(r.id.name.rfind("echo-v2-n1-", 0) == 0);
  }
  CHECK(echo(n2, v1s[0].id.name, "a").find(v1s[0].id.name + " #") == 0);
  CHECK(echo(n2, "echo", "b").rfind("echo-n1-", 0) == 0);
  CHECK(echo(n2, "echo-v2", "c").rfind("echo-v2-n1-", 0) == 0);
  auto err = n1.node->unload_domain("examples", "", 1s);
  CHECK(has_code(err, plugin::plugin_errc::ambiguous));
  REQUIRE_FALSE(n1.node->unload_domain("examples", "^2", 2s));
  CHECK(test::eventually([&] { return n2.discover("echo", "^2").empty(); }));
  CHECK(echo(n2, "echo", "d").rfind("echo-n1-", 0) == 0);
  CHECK(n2.discover("echo", "^1").size() == v1s.size());
  auto left = n1.node->domains();
  REQUIRE(left.size() == 1);
  CHECK(left[0].version == "1.0.0");
  CHECK(n1.host.loaded().size() == 1);
}

TEST_CASE("unloading under load drains: every request gets a reply or an explicit error") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  REQUIRE(n1.node->load_domain("examples"));
  auto agents = default_agents(n1, "^1");
  REQUIRE(test::eventually([&] { return n2.count("examples", "n1") == agents; }));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sent{0}, replies{0}, refused{0}, lost{0};
  auto client = [&] {
    examples::v1::EchoRequest req;
    req.set_text("x");
    while (!stop) {
      ++sent;
      auto rep = n2.call<examples::v1::EchoReply>("examples", "echo", "echo", req, 3s);
      if (rep)
        ++replies;
      else if (rep.error().category() == caf::atom("smith_wire")
               && rep.error().code() == static_cast<uint8_t>(bridge::wire_code::deadline_exceeded))
        ++lost; // accepted by nobody who answered: what a drain must never cause
      else
        ++refused; // an explicit error (draining, no agent of that pool, unavailable)
    }
  };
  std::thread c1{client}, c2{client};
  REQUIRE(test::eventually([&] { return replies >= 100; }));
  auto err = n1.node->unload_domain("examples", "^1", 2s);
  auto after_unload = replies.load();
  REQUIRE(test::eventually([&] { return sent >= after_unload + 20; }));
  stop = true;
  c1.join();
  c2.join();
  CHECK_MESSAGE(!err, n1.sys->render(err));
  MESSAGE("sent " << sent.load() << ", replies " << replies.load() << ", explicit errors "
                  << refused.load() << ", lost " << lost.load());
  CHECK(sent == replies + refused + lost);
  CHECK(lost == 0);
  CHECK(refused > 0); // calls after the unload are refused, not silently dropped
  CHECK(test::eventually([&] { return n2.count("examples", "n1") == 0; }));
  CHECK(n1.count("examples", "n1") == 0);
  CHECK(n1.node->domains().empty());
  CHECK(n1.host.loaded().empty());
  CHECK(n1.catalog.names().empty());
  // Loaded again after the unload: a fresh start, reachable again.
  REQUIRE(n1.node->load_domain("examples"));
  REQUIRE(test::eventually([&] { return n2.count("examples", "n1") == agents; }));
  CHECK(echo(n2, "echo", "back").rfind("echo-n1-", 0) == 0);
}

TEST_CASE("a plugin whose init fails is a failed domain and the node keeps running") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url(),
                                       "[[domain]]\nname = \"broken\"\nplugin = \"broken\"\n"
                                       "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n")};
  auto listed = n1.node->domains();
  REQUIRE(listed.size() == 2);
  auto broken = listed[0].name == "broken" ? listed[0] : listed[1];
  auto examples = listed[0].name == "broken" ? listed[1] : listed[0];
  CHECK(broken.state == actors::domain_state::failed);
  CHECK(broken.error.find("cannot open /nonexistent/broken.db") != std::string::npos);
  CHECK(broken.error.find("test.toml:") == 0);
  CHECK(examples.state == actors::domain_state::running);
  CHECK(examples.agents == default_agents(n1, "^1"));
  auto again = n1.node->load_domain("broken");
  REQUIRE_FALSE(again);
  CHECK(has_code(again.error(), plugin::plugin_errc::init_failed));
  CHECK(plugin::message_of(again.error()).find("/nonexistent/broken.db") != std::string::npos);
  CHECK(echo(n1, "echo", "still here").rfind("echo-n1-", 0) == 0);
  REQUIRE_FALSE(n1.node->unload_domain("broken", "", 1s)); // forgets the failed entry
  CHECK(n1.node->domains().size() == 1);
}

TEST_CASE("a version range in the config that the plugin does not satisfy fails that domain only") {
  test::plugin_node n1{test::node_toml("n1", "",
                                       "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                                       "version = \"^2\"\n")};
  auto listed = n1.node->domains();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == actors::domain_state::failed);
  CHECK(listed[0].error.find("provides examples 1.0.0") != std::string::npos);
  CHECK(listed[0].error.find("'^2'") != std::string::npos);
  CHECK(n1.host.loaded().empty());
}

TEST_CASE("pool settings the plugin's schema refuses fail the start with file:line:column") {
  auto start = [](const std::string& settings) {
    caf::error err;
    test::plugin_node n{test::node_toml("n1", "",
                                        "[[domain]]\nname = \"hello\"\nplugin = \"hello\"\n"
                                        "  [[domain.pool]]\n  agent = \"greeter\"\n"
                                        "  settings = { "
                                          + settings + " }\n"),
                        &err};
    return err;
  };
  auto wrong = start("greeting = 42");
  REQUIRE(wrong);
  CHECK(wrong.category() == caf::atom("smith_cfg"));
  CHECK(wrong.code() == static_cast<uint8_t>(config::config_errc::wrong_type));
  auto text = plugin::message_of(wrong);
  CHECK(text.find("test.toml:10:") == 0);
  CHECK(text.find("'greeting' must be a string, got integer") != std::string::npos);
  auto typo = start("greting = \"hi\"");
  REQUIRE(typo);
  CHECK(typo.code() == static_cast<uint8_t>(config::config_errc::unknown_key));
  CHECK(plugin::message_of(typo).find("(did you mean 'greeting'?)") != std::string::npos);
  CHECK_FALSE(start("greeting = \"Hi\""));
}

TEST_CASE("every agent answers by name as soon as start() or load_domain() returns") {
  test::nats_server server;
  // Booted from the config: start() returns once each agent's route is installed.
  test::plugin_node n1{test::node_toml("n1", server.url(),
                                       "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                                       "  [[domain.pool]]\n  agent = \"echo\"\n  instances = 8\n")};
  for (int i = 1; i <= 8; ++i) {
    auto name = "echo-n1-" + std::to_string(i);
    auto reply = echo(n1, name, "now");
    CHECK_MESSAGE(reply.rfind(name + " #1: now", 0) == 0, reply);
  }
  // Loaded at runtime: load_domain() returns once the new agents answer.
  test::plugin_node n2{test::node_toml("n2", server.url())};
  REQUIRE(n2.node->load_domain("examples"));
  auto loaded = n2.records({"examples", "", "n2"});
  REQUIRE(loaded.size() == default_agents(n2, "^1"));
  size_t echoes = 0;
  for (auto& r : loaded)
    if (r.agent_type == "echo") {
      ++echoes;
      auto reply = echo(n2, r.id.name, "now");
      CHECK_MESSAGE(reply.rfind(r.id.name + " #1: now", 0) == 0, reply);
    }
  CHECK(echoes > 0);
}
