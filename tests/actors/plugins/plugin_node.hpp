// A node in this process that loads plugins from build/lib, joined to a test nats-server.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/node/node.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tests/support/eventually.hpp"

namespace smith::test {

/// build/lib, where smith_add_domain_plugin() puts every plugin (fixtures included).
inline std::string plugin_dir() {
  return std::filesystem::canonical(std::filesystem::path{SMITH_TEST_BIN_DIR} / ".." / "lib");
}

/// The config text of node `name`: NATS at `url` (none if empty), fast cluster timing, the
/// plugin dir, then `extra` (e.g. [[domain]] sections).
inline std::string node_toml(const std::string& name, const std::string& url,
                             const std::string& extra = {}) {
  std::string t = "[node]\nname = \"" + name + "\"\n";
  if (!url.empty())
    t += "[nats]\nurls = [\"" + url + "\"]\n[cluster]\nheartbeat_interval_ms = 200\n"
         "down_after_ms = 1000\n";
  return t + "[plugins]\ndirs = [\"" + plugin_dir() + "\"]\n" + extra;
}

/// One node: catalog and plugin host outlive the actor system, which outlives the node.
struct plugin_node {
  domain::domain_catalog catalog;
  plugin::plugin_host host;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<actors::node> node;

  /// Starts the node from `toml`; `start_error` receives start()'s error (the test fails on
  /// an error when it is null).
  explicit plugin_node(const std::string& toml, caf::error* start_error = nullptr)
    : host(catalog, {plugin_dir()}) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("logger.verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    auto nc = config::load_config_text(toml, "test.toml");
    REQUIRE_MESSAGE(nc, sys->render(nc.error()));
    node = std::make_unique<actors::node>(*sys, *nc, catalog, host);
    auto err = node->start();
    if (start_error != nullptr)
      *start_error = err;
    else
      REQUIRE_MESSAGE(!err, sys->render(err));
  }

  ~plugin_node() {
    node.reset();
  }

  /// Records of this node's registry matching `f`.
  std::vector<registry::agent_record> records(registry::record_filter f) {
    caf::scoped_actor self{*sys};
    auto reg = caf::actor_cast<registry::registry_actor>(
      sys->registry().get(registry::registry_name));
    std::vector<registry::agent_record> out;
    if (reg)
      self->request(reg, std::chrono::seconds{2}, registry::list_atom::value, f)
        .receive([&](std::vector<registry::agent_record>& xs) { out = std::move(xs); },
                 [](caf::error&) {});
    return out;
  }

  /// Records of `domain` registered by node `of` as this node sees them.
  size_t count(const std::string& domain, const std::string& of) {
    registry::record_filter f;
    f.domain = domain;
    f.node = of;
    return records(f).size();
  }

  /// discover(capability, range) on this node's registry.
  std::vector<registry::agent_record> discover(const std::string& capability,
                                               const std::string& range) {
    caf::scoped_actor self{*sys};
    auto reg = caf::actor_cast<registry::registry_actor>(
      sys->registry().get(registry::registry_name));
    registry::discover_query q;
    q.capability = capability;
    q.version_range = range;
    std::vector<registry::agent_record> out;
    self->request(reg, std::chrono::seconds{2}, registry::discover_atom::value, q)
      .receive([&](registry::discover_result& r) { out = std::move(r.records); },
               [](caf::error&) {});
    return out;
  }

  /// A blocking call through this node's bridge.
  template <class Resp, class Req>
  caf::expected<Resp> call(const std::string& domain, const std::string& name,
                           const std::string& action, const Req& req,
                           std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    caf::scoped_actor self{*sys};
    return bridge::call_blocking<Resp>(self, {domain, name}, action, req,
                                       std::chrono::system_clock::now() + timeout);
  }
};

} // namespace smith::test
