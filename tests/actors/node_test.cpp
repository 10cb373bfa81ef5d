// The node and its tree on a real scheduler: shape, escalation to the node, stop.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "actors/tree/tree_builder.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/agent/agent_errc.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

struct real_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  real_system() {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
  }
};

config::node_config load(const std::string& text) {
  auto cfg = config::load_config_text(text, "test.toml");
  REQUIRE(cfg);
  return *cfg;
}

/// Resolves root -> examples -> counter -> counter-1; invalid while restarting.
caf::actor counter_1(caf::scoped_actor& self, const caf::actor& root) {
  caf::actor cur = root;
  for (std::string id : {"examples", "counter", "counter-1"}) {
    caf::actor next;
    self->request(cur, 2s, get_child_atom::value, id)
      .receive([&](caf::actor& a) { next = a; }, [](caf::error&) {});
    if (!next)
      return {};
    cur = next;
  }
  return cur;
}

const char* nested_three = R"(
[root]
intensity = 3
period_ms = 60000
[[domain]]
name = "examples"
intensity = 3
period_ms = 60000
  [[domain.pool]]
  agent = "counter"
  intensity = 3
  period_ms = 60000
)";

} // namespace

TEST_CASE("a failure that exhausts three nested intensities reaches the node, which exits non-zero") {
  real_system rs;
  actors::node n{*rs.sys, load(nested_three), rs.catalog};
  REQUIRE_FALSE(n.start());
  caf::scoped_actor self{*rs.sys};
  auto root = caf::actor_cast<caf::actor>(n.root());
  self->monitor(root);
  int crashes = 0;
  bool root_down = false;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!root_down && std::chrono::steady_clock::now() < deadline) {
    if (auto c = counter_1(self, root)) {
      // Only a handler_exception is a crash: a handle resolved just before the
      // supervisor saw the previous crash may already be dead.
      self->request(c, 2s, examples::crash_atom::value)
        .receive([](int64_t) {},
                 [&](caf::error& err) { crashes += err == agent::agent_errc::handler_exception; });
    }
    self->receive([&](caf::down_msg&) { root_down = true; }, caf::after(0ms) >> [] {});
  }
  REQUIRE(root_down);
  CHECK(crashes == 64); // OTP's count for three nested supervisors of intensity 3
  auto result = n.wait();
  CHECK_FALSE(result.requested);
  CHECK(result.exit_code() == 70);
}

TEST_CASE("a requested shutdown stops the node cleanly with exit code 0") {
  real_system rs;
  actors::node n{*rs.sys, load(nested_three), rs.catalog};
  REQUIRE_FALSE(n.start());
  n.request_shutdown();
  auto result = n.wait();
  CHECK(result.requested);
  CHECK(result.exit_code() == 0);
}

TEST_CASE("the tree builder refuses an unknown agent type before anything starts") {
  real_system rs;
  auto cfg = load("[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"ghost\"\n");
  auto spec = actors::build_root_spec(cfg, rs.catalog, {});
  REQUIRE_FALSE(spec);
  auto text = caf::to_string(spec.error().context());
  CHECK(text.find("test.toml:4:11") != std::string::npos);
  CHECK(text.find("known: echo, counter") != std::string::npos);
}

TEST_CASE("the tree builder refuses an unknown domain, naming the known ones") {
  real_system rs;
  auto cfg = load("[[domain]]\nname = \"billing\"\n  [[domain.pool]]\n  agent = \"x\"\n");
  auto spec = actors::build_root_spec(cfg, rs.catalog, {});
  REQUIRE_FALSE(spec);
  auto text = caf::to_string(spec.error().context());
  CHECK(text.find("test.toml:2:8: unknown domain 'billing' (known: examples)") != std::string::npos);
}
