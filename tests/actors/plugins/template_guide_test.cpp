// docs/plugins.md, step by step, on the template domain (domains/template): CI runs what the
// guide tells a new user to do, so the guide cannot rot.
#include <doctest/doctest.h>

#include "smith/hello/v1/hello.pb.h"
#include "tests/actors/plugins/plugin_node.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

TEST_CASE("the guide: the template domain loads at boot, at runtime, answers and unloads") {
  test::nats_server server;
  // "Loading at boot": a [[domain]] naming the plugin, settings checked against its schema.
  test::plugin_node n1{test::node_toml("n1", server.url(),
                                       "[[domain]]\nname = \"hello\"\nplugin = \"hello\"\n"
                                       "  [[domain.pool]]\n  agent = \"greeter\"\n"
                                       "  instances = 2\n"
                                       "  settings = { greeting = \"Howdy\" }\n")};
  // "Loading at runtime": another node loads it through the node API (smithctl's path).
  test::plugin_node n2{test::node_toml("n2", server.url())};
  auto info = n2.node->load_domain("hello");
  REQUIRE_MESSAGE(info, n2.sys->render(info.error()));
  CHECK(info->version == "1.0.0");
  REQUIRE(test::eventually([&] { return n2.count("hello", "n1") == 2; }));
  // "Calling it": agents.hello.greeter.greet from anywhere; n1's pool has the configured
  // greeting, n2's the default one.
  hello::v1::GreetRequest req;
  req.set_name("Ada");
  auto direct = n2.call<hello::v1::GreetReply>("hello", "greeter-n1-1", "greet", req);
  REQUIRE_MESSAGE(direct, n2.sys->render(direct.error()));
  CHECK(direct->text() == "Howdy, Ada!");
  auto pool = n1.call<hello::v1::GreetReply>("hello", "greeter", "greet", req);
  REQUIRE_MESSAGE(pool, n1.sys->render(pool.error()));
  CHECK(pool->text().find("Ada") != std::string::npos);
  // "Unloading": drained, deregistered everywhere, closed.
  REQUIRE_FALSE(n2.node->unload_domain("hello", "^1", 2s));
  CHECK(test::eventually([&] { return n1.count("hello", "n2") == 0; }));
  CHECK(n2.host.loaded().empty());
}
