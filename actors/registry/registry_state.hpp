// Internal: state and logic of the registry actor.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "actors/registry/node_table.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/registry/capability_index.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::actors {

/// The registry's data: one index for local and remote records, the per-node
/// table next to it, and the watchers. Every change of the index goes through
/// insert_record / erase_record / change_health / change_state so that the
/// node table (digests, name holders) never drifts from the index.
struct registry_state {
  static inline const char* name = "smith.registry";

  explicit registry_state(caf::stateful_actor<registry_state>* self);

  void init(registry::registry_options opts);

  // -- local agents (registry_state.cpp, registry_health.cpp) -----------------
  caf::error add(registry::agent_record r);
  caf::error remove(const std::string& instance);
  caf::error heartbeat(const std::string& instance, registry::load_info load);
  void set_state(const std::string& instance, agent::lifecycle_state st);
  void on_down(const caf::down_msg& dm);
  /// Moves local agents that missed beats to degraded / down.
  void check_health();

  // -- queries (registry_state.cpp) -------------------------------------------
  caf::expected<registry::agent_record> resolve(const std::string& domain, const std::string& name);
  caf::expected<registry::agent_record> resolve_instance(const std::string& instance);
  caf::expected<registry::discover_result> discover(const registry::discover_query& q);
  caf::expected<registry::agent_record> find_healthy(const std::string& capability,
                                                     const std::string& range, bool round_robin);
  std::vector<registry::agent_record> list(const registry::record_filter& f) const;
  registry::watch_ack watch(registry::record_filter f, caf::actor subscriber);
  void unwatch(const caf::actor_addr& subscriber);

  // -- the cluster view (registry_remote.cpp) ---------------------------------
  caf::error apply_remote(registry::agent_record r);
  caf::error remove_remote(const std::string& instance);
  caf::expected<uint64_t> drop_node(const std::string& node);
  caf::expected<uint64_t> replace_node(const std::string& node,
                                       std::vector<registry::agent_record> records);
  registry::registry_digest digest(const std::string& node) const;

  const registry::registry_options& options() const noexcept { return opts_; }
  /// Heartbeats and state updates for instances that are not registered here
  /// (or are remote).
  uint64_t stray_updates() const noexcept { return stray_; }

private:
  struct watcher {
    registry::record_filter filter;
    caf::actor subscriber;
    uint64_t last_sent = 0;
  };

  bool is_local(const registry::agent_record& r) const noexcept { return r.node == opts_.node; }
  caf::error check_local_limit(const std::string& domain) const;
  /// Adds a validated record to the index and the node table (no event).
  caf::error insert_record(registry::agent_record r);
  /// Removes an existing record from both (no event) and returns it.
  registry::agent_record erase_record(const std::string& instance);
  /// Removes an existing record and emits `deregistered`.
  void drop(const std::string& instance);
  std::optional<registry::health> change_health(const std::string& instance, registry::health h);
  std::optional<agent::lifecycle_state> change_state(const std::string& instance,
                                                     agent::lifecycle_state st);

  caf::error check_remote_node(const std::string& node) const;
  caf::error check_remote(const registry::agent_record& r) const;
  /// Inserts or updates a checked remote record; whether anything the
  /// digest covers changed (i.e. whether events were emitted).
  bool upsert_remote(registry::agent_record r);
  bool update_in_place(registry::agent_record r);
  /// Emits health_changed and/or updated for `before` -> `after`.
  bool emit_changes(const registry::agent_record& before, const registry::agent_record& after);
  std::vector<std::string> sorted_instances(const std::string& node) const;

  caf::expected<const agent::version_range*> range_of(const std::string& text);
  void emit(registry::watch_kind kind, const registry::agent_record& r,
            registry::health previous_health,
            agent::lifecycle_state previous_state = registry::any_state);
  int64_t now_ns() const;

  caf::stateful_actor<registry_state>* self_;
  registry::registry_options opts_;
  std::unique_ptr<registry::capability_index> index_;
  // Never holds records: validates names and versions of records whose
  // instance is already in index_ (an update), which index_->validate refuses.
  std::unique_ptr<registry::capability_index> validator_;
  node_table nodes_;
  std::unordered_map<std::string, size_t> local_per_domain_;
  std::unordered_map<caf::actor_addr, std::string> instance_of_;
  std::unordered_map<std::string, agent::version_range> ranges_; // parse cache
  std::vector<watcher> watchers_;
  uint64_t sequence_ = 0;
  std::string instance_id_; // new per incarnation of the registry
  uint64_t stray_ = 0;
};

} // namespace smith::actors
