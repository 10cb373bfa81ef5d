// One Smith node: builds, starts, watches and stops the supervision tree.
#pragma once

#include <atomic>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "actors/admin/admin_hooks.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/config/node_config.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors {

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
  /// Stops the tree if it is still running and waits for it.
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Connects to NATS when `[nats]` lists servers, validates the whole tree and starts
  /// it; nothing starts on error (an unreachable NATS is an error naming the URLs).
  caf::error start();
  /// Blocks until the root supervisor has exited.
  node_exit wait();
  /// Asks the tree to stop in reverse start order. Thread-safe, idempotent.
  void request_shutdown();
  /// The root supervisor; invalid before start().
  const supervision::supervisor_actor& root() const noexcept { return root_; }
  const config::node_config& config() const noexcept { return cfg_; }
  /// Domain management for the admin service (smithctl domains / domain load|unload);
  /// call before start(). Without it the admin lists the catalog and refuses load/unload.
  void set_admin_hooks(admin_hooks hooks) { admin_hooks_ = std::move(hooks); }
  /// The node's NATS connections; null on a single node without `[nats]`.
  const std::shared_ptr<bridge::nats_link>& link() const noexcept { return link_; }

private:
  caf::actor_system& sys_;
  config::node_config cfg_;
  const domain::domain_catalog& catalog_;
  supervision::supervisor_actor root_;
  caf::actor logger_;
  std::shared_ptr<bridge::nats_link> link_;
  admin_hooks admin_hooks_;
  std::atomic<bool> requested_{false};
  bool waited_ = false;
};

} // namespace smith::actors
