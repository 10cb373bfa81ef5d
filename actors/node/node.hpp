// One Smith node: builds, starts, watches and stops the supervision tree.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "actors/node/domain_info.hpp"
#include "actors/admin/admin_hooks.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/config/node_config.hpp"
#include "runtime/http/route_table.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::http {
class http_server;
} // namespace smith::http

namespace smith::plugin {
class plugin_host;
} // namespace smith::plugin

namespace smith::actors {

class domain_loader;
class supervision_tally;

/// How a node ended.
struct node_exit {
  /// Whether request_shutdown() was called before the root exited.
  bool requested = false;
  /// The root supervisor's exit reason.
  caf::error reason;
  /// 0 after a requested, clean shutdown; 70 (EX_SOFTWARE) when the tree
  /// gave up on its own, i.e. a failure escalated all the way to the root.
  int exit_code() const;
};

/// The node's tree inside `sys`. Owned by main; the catalog must outlive it.
class node {
public:
  node(caf::actor_system& sys, config::node_config cfg, const domain::domain_catalog& catalog);
  /// A node that loads plugin domains through `host` (whose catalog is `catalog`): at boot the
  /// `[[domain]]` sections naming a `plugin`, at runtime load_domain(). `host` must outlive the
  /// node (declare it before the actor system, see plugin_host).
  node(caf::actor_system& sys, config::node_config cfg, const domain::domain_catalog& catalog,
       plugin::plugin_host& host);
  /// Stops the tree if it is still running and waits for it.
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Opens the event store when `[persistence] enabled` (a storage error naming the path if it
  /// cannot: locked by another node, damaged), connects to NATS when `[nats]` lists servers,
  /// loads the plugins `[[domain]]` sections
  /// name, validates the whole tree and starts it; nothing starts on error (an unreachable NATS
  /// is an error naming the URLs; a domain's settings that its schema refuses are a config_errc
  /// "file:line:column: ..."). A plugin that does not load (missing, refused, init failed,
  /// version out of range) is not an error: its domain is logged and listed as failed by
  /// domains(), and the node runs without it. Returns once the agents started at boot are
  /// routed by the bridge, so a call made afterwards reaches them; agents not routed within
  /// 10 s (restarting, say) are logged as a warning, not an error. /readyz and READY=1 follow.
  caf::error start();
  /// Blocks until the root supervisor has exited.
  node_exit wait();
  /// Asks the tree to stop in reverse start order. Thread-safe, idempotent.
  void request_shutdown();
  /// Loads the plugin `spec` (a domain name, i.e. libsmith_domain_{spec}.so, or a path, inside
  /// the plugin directories) and starts its domain supervisor under the root: the pools of the
  /// config's `[[domain]]` section for that domain and version if there is one (its settings
  /// checked against the plugin's schema), else the plugin's default pools. Pools of a major
  /// >= 2 are named with a "-v{major}" suffix (see domain::version_suffix). When this returns
  /// the agents answer calls through this node's bridge (routed, as in start()); they are
  /// discoverable cluster-wide (registry replication) shortly after.
  /// Errors: plugin_errc (outside_plugin_dirs, load_failed, abi_mismatch, ..., duplicate for a
  /// major already loaded, init_failed, start_failed naming the supervisor's reason,
  /// not_unloadable without a plugin host, stop_failed before start / after stop) or a
  /// config_errc from the schema check. On error nothing stays loaded. Thread-safe (loads and
  /// unloads run one at a time); blocking: never call it from an actor's handler.
  caf::expected<domain_info> load_domain(const std::string& spec);

  /// Unloads domain `name` in the version `version_or_range` selects ("2.0.0", "^1"; empty =
  /// the only loaded version): its agents go Draining at once (new requests get the `draining`
  /// error, accepted ones finish) until they are idle or `deadline` passes (then they exit and
  /// what they still held gets an error), its supervisor is terminated and deleted from the
  /// root, its registry records are gone on this node, its routes leave the bridge, every
  /// other node up has confirmed that its registry dropped them too (a replication barrier,
  /// waiting at most `[cluster] anti_entropy_interval + 2 * heartbeat_interval`, >= 1 s), and
  /// only then is the plugin closed (plugin_host::unload). So when this returns, no node's
  /// registry lists the agents any more.
  /// Errors: plugin_errc not_loaded (naming the loaded versions), ambiguous, not_unloadable
  /// (linked into the binary), stop_failed; a failed domain is simply forgotten. unconfirmed
  /// when some node did not confirm in time (or a KV bucket write failed): the domain IS
  /// unloaded, the message names each node and why (also logged as an error).
  /// Thread-safe; blocking.
  caf::error unload_domain(const std::string& name, const std::string& version_or_range,
                           std::chrono::milliseconds deadline);

  /// Every domain of the node (linked in, loaded at boot or at runtime, failed): name,
  /// version, plugin path, state and running agents. Thread-safe; blocking (asks the
  /// supervisors for the agent counts).
  std::vector<domain_info> domains() const;

  /// The root supervisor; invalid before start().
  const supervision::supervisor_actor& root() const noexcept { return root_; }
  const config::node_config& config() const noexcept { return cfg_; }
  /// Domain management for the admin service (smithctl domains / domain load|unload);
  /// call before start(). Without it the admin lists the catalog and refuses load/unload.
  void set_admin_hooks(admin_hooks hooks) { admin_hooks_ = std::move(hooks); }
  /// The node's event store (`{data_dir}/events`); null unless `[persistence] enabled`.
  const std::shared_ptr<persistence::event_store>& store() const noexcept { return store_; }
  /// The node's NATS connections; null on a single node without `[nats]`.
  const std::shared_ptr<bridge::nats_link>& link() const noexcept { return link_; }

  /// Routes the node's HTTP endpoint serves besides its own (/healthz, /readyz, /metrics,
  /// which come first). Add them before start(); handlers run on the server's threads, may
  /// capture the node (it outlives the server) and must bound every wait on an actor.
  http::route_table& http_routes() noexcept { return http_routes_; }
  /// "host:port" the HTTP endpoint listens on once start() returned ("127.0.0.1:41234");
  /// empty when `[http] enabled = false`.
  const std::string& http_address() const noexcept { return http_address_; }
  /// Whether the node is ready for traffic; when not, `why` says what is missing: NATS
  /// configured but disconnected, the event store not open, the tree not running or
  /// shutting down. Thread-safe.
  bool ready(std::string& why) const;

private:
  /// Binds the HTTP endpoint (before anything starts, so a bad address changes nothing).
  caf::error bind_http();
  /// Serves the node's and the added routes (after the tree started).
  caf::error serve_http();
  /// The admin service's domain hooks served by this node's own load/unload/domains.
  admin_hooks own_admin_hooks();

  caf::actor_system& sys_;
  config::node_config cfg_;
  const domain::domain_catalog& catalog_;
  supervision::supervisor_actor root_;
  caf::actor logger_;
  std::shared_ptr<bridge::nats_link> link_;
  std::shared_ptr<persistence::event_store> store_;
  std::unique_ptr<domain_loader> loader_;
  admin_hooks admin_hooks_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> store_open_{false};
  std::atomic<bool> running_{false};
  /// The agents started at boot are routed (or the wait for them ended): see start().
  std::atomic<bool> serving_{false};
  http::route_table http_routes_;
  std::unique_ptr<http::http_server> http_;
  std::shared_ptr<supervision_tally> tally_;
  std::string http_address_;
  bool waited_ = false;
};

} // namespace smith::actors
