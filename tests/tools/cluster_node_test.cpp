// smithd processes in a cluster: a node killed with SIGKILL leaves discovery everywhere else.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/process.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

/// Writes node `name`'s config (examples: 2 echo agents) joined to `url`.
std::string write_config(const std::filesystem::path& dir, const std::string& name,
                         const std::string& url) {
  auto file = dir / (name + ".toml");
  std::ofstream{file} << "[node]\nname = \"" << name << "\"\ndata_dir = \"" << (dir / name).string()
                      << "\"\n[nats]\nurls = [\"" << url << "\"]\n"
                      << "[cluster]\nheartbeat_interval_ms = 200\ndown_after_ms = 1000\n"
                      << "[[domain]]\nname = \"examples\"\n  [[domain.pool]]\n  agent = \"echo\"\n"
                      << "  instances = 2\n";
  return file.string();
}

/// An in-process observer node (no domains) whose registry shows the cluster view.
struct observer {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;

  explicit observer(const std::string& url) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    auto nc = config::load_config_text("[node]\nname = \"obs\"\n[nats]\nurls = [\"" + url
                                         + "\"]\n[cluster]\nheartbeat_interval_ms = 200\n"
                                           "down_after_ms = 1000\n",
                                       "obs.toml");
    REQUIRE(nc);
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
  }

  /// Agents of node `name` in this node's registry.
  size_t agents_of(const std::string& name) {
    caf::scoped_actor self{*sys};
    auto reg = caf::actor_cast<registry::registry_actor>(sys->registry().get(registry::registry_name));
    if (!reg)
      return 0;
    registry::record_filter f;
    f.node = name;
    size_t n = 0;
    self->request(reg, 2s, registry::list_atom::value, f)
      .receive([&](std::vector<registry::agent_record>& xs) { n = xs.size(); }, [](caf::error&) {});
    return n;
  }

  /// Polls until agents_of(name) == want or `within` passed; returns how long it took.
  std::optional<std::chrono::milliseconds> wait_for(const std::string& name, size_t want,
                                                    std::chrono::milliseconds within) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < within) {
      if (agents_of(name) == want)
        return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }
};

} // namespace

TEST_CASE("kill -9 of a smithd node: its agents leave discovery on the other nodes") {
  test::nats_server server;
  auto dir = std::filesystem::path{server.dir()} / "nodes";
  std::filesystem::create_directories(dir);
  test::child_process n1{{test::bin_path("smithd"), "--config", write_config(dir, "n1", server.url())}};
  test::child_process n2{{test::bin_path("smithd"), "--config", write_config(dir, "n2", server.url())}};
  observer obs{server.url()};
  REQUIRE_MESSAGE(obs.wait_for("n1", 2, 15s), n1.output());
  REQUIRE_MESSAGE(obs.wait_for("n2", 2, 15s), n2.output());
  n1.signal(SIGKILL);
  // The bound: down_after (1 s) plus one heartbeat interval of detection lag.
  auto took = obs.wait_for("n1", 0, 5s);
  REQUIRE_MESSAGE(took, "n1's agents are still discoverable 5 s after SIGKILL");
  MESSAGE("n1's agents left discovery " << took->count() << " ms after SIGKILL");
  CHECK(*took <= 1500ms);
  CHECK(obs.agents_of("n2") == 2); // the living node is untouched
  n2.signal(SIGTERM);
  CHECK(n2.wait_exit(10s) == 0);
}
