// Internal: state and logic of the registry actor.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "runtime/agent/version_range.hpp"
#include "runtime/registry/capability_index.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::actors {

struct registry_state {
  static inline const char* name = "smith.registry";

  explicit registry_state(caf::stateful_actor<registry_state>* self);

  void init(registry::registry_options opts);
  caf::error add(registry::agent_record r);
  caf::error remove(const std::string& instance);
  caf::expected<registry::agent_record> resolve(const std::string& domain, const std::string& name);
  caf::expected<registry::agent_record> resolve_instance(const std::string& instance);
  caf::expected<registry::discover_result> discover(const registry::discover_query& q);
  caf::expected<registry::agent_record> find_healthy(const std::string& capability,
                                                     const std::string& range, bool round_robin);
  std::vector<registry::agent_record> list(const registry::record_filter& f) const;
  registry::watch_ack watch(registry::record_filter f, caf::actor subscriber);
  void unwatch(const caf::actor_addr& subscriber);
  caf::error heartbeat(const std::string& instance, registry::load_info load);
  void set_state(const std::string& instance, agent::lifecycle_state st);
  void on_down(const caf::down_msg& dm);
  /// Moves agents that missed beats to degraded / down.
  void check_health();

  const registry::registry_options& options() const noexcept { return opts_; }
  /// Heartbeats and state updates for instances that are not registered.
  uint64_t stray_updates() const noexcept { return stray_; }

private:
  struct watcher {
    registry::record_filter filter;
    caf::actor subscriber;
    uint64_t last_sent = 0;
  };

  caf::expected<const agent::version_range*> range_of(const std::string& text);
  void emit(registry::watch_kind kind, const registry::agent_record& r,
            registry::health previous_health,
            agent::lifecycle_state previous_state = registry::any_state);
  int64_t now_ns() const;

  caf::stateful_actor<registry_state>* self_;
  registry::registry_options opts_;
  std::unique_ptr<registry::capability_index> index_;
  std::unordered_map<caf::actor_addr, std::string> instance_of_;
  std::unordered_map<std::string, agent::version_range> ranges_; // parse cache
  std::vector<watcher> watchers_;
  uint64_t sequence_ = 0;
  std::string instance_id_; // new per incarnation of the registry
  uint64_t stray_ = 0;
};

} // namespace smith::actors
