// Version groups of one capability.
#include "runtime/registry/capability_bucket.hpp"

#include <algorithm>

namespace smith::registry {

std::vector<capability_bucket::group>::iterator
capability_bucket::lower_bound(const agent::semver& v) {
  return std::partition_point(groups_.begin(), groups_.end(),
                              [&](const group& g) { return g.version > v; });
}

void capability_bucket::insert(const agent::semver& v, agent_record* r, const hot_info* hot) {
  auto i = lower_bound(v);
  if (i == groups_.end() || i->version != v) {
    i = groups_.insert(i, group{v, 0, {}});
    i->version.build.clear(); // the group stands for every build of this precedence
  }
  i->slots.insert(r, hot);
  if (r->health_ == health::down)
    ++i->down;
}

bool capability_bucket::erase(const agent::semver& v, const agent_record* r) {
  auto i = lower_bound(v);
  if (i == groups_.end() || i->version != v || !i->slots.erase(r))
    return false;
  if (r->health_ == health::down)
    --i->down;
  if (i->slots.empty())
    groups_.erase(i);
  return true;
}

void capability_bucket::health_changed(const agent::semver& v, health before, health after) {
  if ((before == health::down) == (after == health::down))
    return;
  auto i = lower_bound(v);
  if (i == groups_.end() || i->version != v)
    return;
  if (after == health::down)
    ++i->down;
  else
    --i->down;
}

} // namespace smith::registry
