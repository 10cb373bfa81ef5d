// The registry index: discovery, least-loaded choice and listing.
#include "runtime/registry/capability_index.hpp"

namespace smith::registry {

namespace {

const capability_info* capability_of(const agent_record& r, const std::string& name) {
  for (auto& c : r.capabilities)
    if (c.name == name)
      return &c;
  return nullptr;
}

bool metadata_matches(const capability_info& c, const std::map<std::string, std::string>& want) {
  for (auto& [k, v] : want) {
    auto i = c.metadata.find(k);
    if (i == c.metadata.end() || i->second != v)
      return false;
  }
  return true;
}

} // namespace

size_t capability_index::discover(const discover_query& q, const agent::version_range* range,
                                  const std::function<bool(const agent_record&)>& visit) const {
  auto b = by_capability_.find(q.capability);
  if (b == by_capability_.end())
    return 0;
  size_t matches = 0;
  bool more = true;
  for (auto& s : b->second.slots) {
    if (range != nullptr && !range->matches(*s.version))
      continue; // first: it needs no access to the record
    auto& rec = s.owner->record;
    if (rec.health_ == health::down && !q.include_unhealthy)
      continue;
    if (!q.metadata.empty() && !metadata_matches(*capability_of(rec, q.capability), q.metadata))
      continue;
    ++matches;
    if (more)
      more = visit(rec);
  }
  return matches;
}

const agent_record* capability_index::find_healthy(const std::string& capability,
                                                   const agent::version_range* range,
                                                   bool round_robin) {
  auto b = by_capability_.find(capability);
  if (b == by_capability_.end())
    return nullptr;
  auto& bk = b->second;
  // Rank: healthy before degraded, then lower load, then the tie-break.
  auto rank = [](const agent_record& r) {
    return std::pair{r.health_ == health::healthy ? 0 : 1, r.load.mailbox_depth + r.load.in_flight};
  };
  auto better_tie = [&](const std::string& x, const std::string& y) {
    if (!round_robin)
      return x < y;
    bool xa = x > bk.last_pick; // candidates after the cursor come first, in order
    bool ya = y > bk.last_pick;
    return xa != ya ? xa : x < y;
  };
  const agent_record* best = nullptr;
  for (auto& s : bk.slots) {
    auto& rec = s.owner->record;
    if (rec.health_ == health::down || rec.state != agent::lifecycle_state::active)
      continue;
    if (range != nullptr && !range->matches(*s.version))
      continue;
    if (best == nullptr || rank(rec) < rank(*best)
        || (rank(rec) == rank(*best) && better_tie(rec.id.instance, best->id.instance)))
      best = &rec;
  }
  if (best != nullptr && round_robin)
    bk.last_pick = best->id.instance;
  return best;
}

void capability_index::for_each(const record_filter& f,
                                const std::function<void(const agent_record&)>& fn) const {
  if (!f.capability.empty()) {
    auto b = by_capability_.find(f.capability);
    if (b == by_capability_.end())
      return;
    for (auto& s : b->second.slots)
      if (matches(f, s.owner->record))
        fn(s.owner->record);
    return;
  }
  for (auto& kvp : by_instance_)
    if (matches(f, kvp.second->record))
      fn(kvp.second->record);
}

} // namespace smith::registry
