// Loads, lists and unloads a node's plugin domains while the node runs (internal to
// actors/node: node forwards its load_domain / unload_domain / domains to it).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/bridge/bridge_actor.hpp"
#include "actors/node/domain_info.hpp"
#include "runtime/config/node_config.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

/// The domains of one node and the steps that load and unload them. Thread-safe: loads and
/// unloads are serialised; domains() may run beside them. Blocking (it waits for the root
/// supervisor and the agents): never call it from an actor's message handler.
class domain_loader {
public:
  /// `host` may be null (a node without plugin support: loading fails with not_unloadable).
  domain_loader(caf::actor_system& sys, const config::node_config& cfg,
                const domain::domain_catalog& catalog, plugin::plugin_host* host);
  ~domain_loader();

  /// Boot: loads the plugin of every `[[domain]]` that names one and returns `cfg` without the
  /// domains whose plugin failed (not found, refused, init failed, version not in range):
  /// those are recorded as failed and logged; the node runs without them.
  config::node_config load_boot_plugins(const config::node_config& cfg);

  /// Boot, after the root started: records the domains of `cfg` (as returned by
  /// load_boot_plugins) as running under `root`, with the supervisor options they got.
  void started(const config::node_config& cfg, supervision::supervisor_actor root,
               const supervision::supervisor_options& opts);
  /// The node's event store (null = none): domains loaded at runtime bind their agents to it.
  void use_store(std::shared_ptr<persistence::event_store> store) { store_ = std::move(store); }

  /// Pools of runtime-loaded (and boot plugin) domains, shared with the bridge.
  const std::shared_ptr<route_set>& routes() const noexcept { return routes_; }

  /// See node::load_domain.
  caf::expected<domain_info> load(const std::string& spec);

  /// See node::unload_domain.
  caf::error unload(const std::string& name, const std::string& version_or_range,
                    std::chrono::milliseconds deadline);

  /// See node::domains.
  std::vector<domain_info> list() const;

  /// Forgets the root (the node stops): later loads and unloads fail with stop_failed.
  void stopped();

  /// Waits until every agent running under a running domain is routed by the bridge (its
  /// registration reached the bridge and its NATS subscription is flushed), at most `within`.
  /// Agents that are restarting are not waited for. Errors: request_timeout naming the agents
  /// not routed in time. Blocking: never call it from an actor's handler.
  caf::error await_serving(std::chrono::milliseconds within);

  /// One domain of the node (internal).
  struct entry;

private:
  std::shared_ptr<persistence::event_store> store_;
  supervision::supervisor_actor root() const;
  caf::error boot_one(const config::domain_config& d, entry& e);
  caf::expected<entry*> find_entry(const std::string& name, const std::string& range) const;
  caf::error start_domain(entry& e, const config::domain_config& section,
                          const domain::domain_descriptor& desc);
  caf::error drain(const entry& e, std::chrono::milliseconds deadline);
  void await_deregistration(const entry& e, const std::vector<std::string>& names);
  /// Waits (replication barrier) until every other node up confirms its registry dropped the
  /// agents of `e`; unconfirmed naming the nodes that did not in time.
  caf::error confirm_deregistered(const entry& e);
  std::chrono::milliseconds confirmation_deadline() const;
  caf::error sync_bridge();
  size_t count_agents(const domain_info& d) const;
  caf::error await_serving(const domain_info& d, std::chrono::steady_clock::time_point until);

  caf::actor_system& sys_;
  config::node_config cfg_;
  const domain::domain_catalog& catalog_;
  plugin::plugin_host* host_;
  std::shared_ptr<route_set> routes_ = std::make_shared<route_set>();
  supervision::supervisor_actor root_;
  supervision::supervisor_options opts_;
  std::mutex op_mtx_;          // one load or unload at a time
  mutable std::mutex mtx_;     // entries_ and root_
  std::vector<std::unique_ptr<entry>> entries_;
};

} // namespace smith::actors
