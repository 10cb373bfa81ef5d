// Registry state: the cluster view (records of agents on other nodes).
#include "actors/registry/registry_state.hpp"

#include <algorithm>
#include <unordered_set>

#include <caf/all.hpp>

#include "runtime/core/token.hpp"
#include "runtime/registry/registry_errc.hpp"

namespace smith::actors {

using namespace smith::registry;

namespace {

caf::error wrong_node(std::string text) {
  return caf::make_error(caf::sec::invalid_argument, std::move(text));
}

bool same_capabilities(const agent_record& x, const agent_record& y) {
  return std::equal(x.capabilities.begin(), x.capabilities.end(), y.capabilities.begin(),
                    y.capabilities.end(), [](const capability_info& a, const capability_info& b) {
                      return a.name == b.name && a.version == b.version && a.metadata == b.metadata;
                    });
}

} // namespace

caf::error registry_state::check_remote_node(const std::string& node) const {
  if (node.empty())
    return caf::make_error(registry_errc::invalid_name, "a remote record needs a node name");
  if (auto why = token_error(node))
    return caf::make_error(registry_errc::invalid_name, "node '" + node + "' " + *why);
  if (node == opts_.node)
    return wrong_node("node '" + node + "' is this registry's own node; its agents register");
  return {};
}

caf::error registry_state::check_remote(const agent_record& r) const {
  if (auto err = check_remote_node(r.node))
    return err;
  if (auto err = validator_->validate(r)) // names and versions; the index may hold r already
    return err;
  if (auto* cur = index_->find(r.id.instance); cur != nullptr && is_local(*cur))
    return wrong_node("instance " + r.id.instance + " is a local agent; node '" + r.node
                      + "' cannot own it");
  return {};
}

caf::error registry_state::apply_remote(agent_record r) {
  if (auto err = check_remote(r))
    return err;
  upsert_remote(std::move(r));
  return {};
}

bool registry_state::upsert_remote(agent_record r) {
  r.handle = caf::actor{}; // reached through the bridge; never monitored
  if (r.registered_ns == 0)
    r.registered_ns = now_ns();
  auto instance = r.id.instance;
  std::optional<agent_record> before;
  if (auto* cur = index_->find(instance)) {
    if (cur->node == r.node && cur->id == r.id && same_capabilities(*cur, r))
      return update_in_place(std::move(r));
    if (cur->node == r.node)
      before = erase_record(instance); // re-keyed below; reported as an update
    else
      drop(instance); // the instance moved nodes (not expected; UUIDs are per incarnation)
  }
  // Same rule as register, per node: a newer instance of a name replaces the
  // older one on its node. Other nodes may host the same name (pools).
  if (auto* old = nodes_.holder(r.id.domain, r.id.name, r.node); old != nullptr)
    drop(std::string{*old}); // copied: drop() changes the table holding *old
  if (auto err = insert_record(std::move(r))) {
    // Not reachable: check_remote validated r and its instance is free now.
    return false;
  }
  auto& now = *index_->find(instance);
  if (!before) {
    emit(watch_kind::registered, now, now.health_);
    return true;
  }
  emit_changes(*before, now);
  return true; // re-keyed: the id or capabilities changed
}

bool registry_state::update_in_place(agent_record r) {
  auto before = *index_->find(r.id.instance);
  change_health(r.id.instance, r.health_);
  change_state(r.id.instance, r.state);
  index_->set_load(r.id.instance, r.load);
  auto& cur = *index_->find_mutable(r.id.instance);
  // Not covered by the digest, hence no event (as for a local heartbeat).
  cur.heartbeats = r.heartbeats;
  cur.last_beat_ns = r.last_beat_ns;
  return emit_changes(before, cur);
}

bool registry_state::emit_changes(const agent_record& before, const agent_record& after) {
  bool changed = false;
  if (before.health_ != after.health_) {
    // The state is still the old one at this step, so that a filtered watcher
    // sees the record leave (or enter) its filter exactly once.
    auto mid = after;
    mid.state = before.state;
    emit(watch_kind::health_changed, mid, before.health_);
    changed = true;
  }
  if (before.state != after.state || !(before.id == after.id)
      || !same_capabilities(before, after)) {
    emit(watch_kind::updated, after, after.health_, before.state);
    changed = true;
  }
  return changed;
}

caf::error registry_state::remove_remote(const std::string& instance) {
  auto* rec = index_->find(instance);
  if (rec == nullptr)
    return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
  if (is_local(*rec))
    return wrong_node("instance " + instance + " is a local agent; it deregisters itself");
  drop(instance);
  return {};
}

std::vector<std::string> registry_state::sorted_instances(const std::string& node) const {
  std::vector<std::string> out;
  if (auto* have = nodes_.instances(node)) {
    out.reserve(have->size());
    for (auto& kvp : *have)
      out.push_back(kvp.first);
  }
  std::sort(out.begin(), out.end()); // deterministic event order
  return out;
}

caf::expected<uint64_t> registry_state::drop_node(const std::string& node) {
  if (auto err = check_remote_node(node))
    return err;
  auto gone = sorted_instances(node);
  for (auto& instance : gone)
    drop(instance);
  return static_cast<uint64_t>(gone.size());
}

caf::expected<uint64_t> registry_state::replace_node(const std::string& node,
                                                     std::vector<agent_record> records) {
  if (auto err = check_remote_node(node))
    return err;
  // Check everything first: a refused resync changes nothing.
  std::unordered_set<std::string> instances;
  std::unordered_set<std::string> names;
  for (auto& r : records) {
    if (r.node.empty())
      r.node = node;
    else if (r.node != node)
      return wrong_node("record " + to_string(r.id) + " of node '" + r.node
                        + "' in a resync of node '" + node + "'");
    if (auto err = check_remote(r))
      return err;
    if (!instances.insert(r.id.instance).second)
      return wrong_node("instance " + r.id.instance + " appears twice in the resync of node '"
                        + node + "'");
    if (!names.insert(r.id.domain + "." + r.id.name).second)
      return wrong_node("agent " + r.id.domain + "/" + r.id.name
                        + " appears twice in the resync of node '" + node + "'");
  }
  uint64_t changes = 0;
  for (auto& instance : sorted_instances(node)) // removals first: they free names
    if (instances.count(instance) == 0) {
      drop(instance);
      ++changes;
    }
  for (auto& r : records)
    if (upsert_remote(std::move(r)))
      ++changes;
  return changes;
}

registry_digest registry_state::digest(const std::string& node) const {
  return nodes_.digest(node);
}

} // namespace smith::actors
