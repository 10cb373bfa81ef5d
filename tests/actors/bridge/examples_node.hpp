// One Smith node serving the examples domain in its own actor system, joined to a real
// nats-server: the bridge tests' node.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"

namespace smith::test {

/// Node `name` on NATS at `url` (2 scheduler threads, no registry heartbeats) running the
/// examples domain with `pools`, TOML `[[domain.pool]]` tables. REQUIREs that it starts.
struct examples_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;

  examples_node(const std::string& name, const std::string& url, const std::string& pools) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    auto text = "[node]\nname = \"" + name + "\"\n[nats]\nurls = [\"" + url + "\"]\n"
                + "[registry]\nheartbeat_interval_ms = 0\n[[domain]]\nname = \"examples\"\n"
                + pools;
    auto nc = config::load_config_text(text, name + ".toml");
    REQUIRE_MESSAGE(nc, "config");
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
  }

  ~examples_node() { node.reset(); } // the node before the actor system it runs in

  examples_node(const examples_node&) = delete;
  examples_node& operator=(const examples_node&) = delete;

  /// A deadline `ms` from now, for bridge calls.
  bridge::wall_time in(std::chrono::milliseconds ms) const {
    return std::chrono::system_clock::now() + ms;
  }
};

} // namespace smith::test
