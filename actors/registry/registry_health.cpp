// Registry state: heartbeats, lifecycle updates, exits and health transitions.
#include "actors/registry/registry_state.hpp"

#include <caf/all.hpp>

#include "runtime/registry/registry_errc.hpp"

namespace smith::actors {

using namespace smith::registry;

caf::error registry_state::heartbeat(const std::string& instance, load_info load) {
  auto* rec = index_->find_mutable(instance);
  if (rec == nullptr) {
    ++stray_; // e.g. a restarted registry: the agent re-registers on this error
    return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
  }
  if (!is_local(*rec)) {
    ++stray_; // a remote agent's health comes from its own node
    return caf::make_error(caf::sec::invalid_argument,
                           "instance " + instance + " is an agent of node '" + rec->node
                             + "'; it beats there, not here");
  }
  index_->set_load(instance, load); // find_healthy ranks by the index's copy
  rec->last_beat_ns = now_ns();
  rec->heartbeats = true;
  if (auto previous = change_health(instance, health::healthy);
      previous && *previous != health::healthy)
    emit(watch_kind::health_changed, *index_->find(instance), *previous);
  return {};
}

void registry_state::set_state(const std::string& instance, agent::lifecycle_state st) {
  auto* rec = index_->find(instance);
  if (rec == nullptr || !is_local(*rec)) {
    ++stray_; // gone, or remote: a remote agent's state comes from its node
    return;
  }
  auto previous = change_state(instance, st);
  emit(watch_kind::updated, *rec, rec->health_, *previous);
}

void registry_state::on_down(const caf::down_msg& dm) {
  auto i = instance_of_.find(dm.source);
  if (i != instance_of_.end()) {
    auto instance = i->second; // remove() erases the mapping
    remove(instance);
    return;
  }
  unwatch(dm.source);
}

void registry_state::check_health() {
  auto now = now_ns();
  auto interval = std::chrono::nanoseconds{opts_.heartbeat_interval}.count();
  if (interval <= 0)
    return;
  auto* local = nodes_.instances(opts_.node);
  if (local == nullptr)
    return;
  // Only local agents: remote health comes from their node. Collected first:
  // changing health while walking the node table is not allowed.
  std::vector<std::pair<std::string, health>> changed;
  for (auto& kvp : *local) {
    auto& r = *index_->find(kvp.first);
    if (!r.heartbeats)
      continue;
    auto missed = (now - r.last_beat_ns) / interval;
    auto want = missed >= opts_.down_after       ? health::down
                : missed >= opts_.degraded_after ? health::degraded
                                                 : health::healthy;
    if (want != r.health_)
      changed.emplace_back(r.id.instance, want);
  }
  for (auto& [instance, want] : changed) {
    auto previous = change_health(instance, want);
    emit(watch_kind::health_changed, *index_->find(instance), *previous);
  }
}

} // namespace smith::actors
