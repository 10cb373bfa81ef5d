// One capability's candidates, grouped by version, in discovery order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/agent/semver.hpp"
#include "runtime/registry/agent_record.hpp"
#include "runtime/registry/capability_slots.hpp"

namespace smith::registry {

/// The candidates for one capability: one group per distinct version
/// (SemVer precedence, so build metadata does not split groups), highest
/// first, in one contiguous vector; each group lists its records in instance
/// order. Discovery therefore evaluates a version range once per group, counts
/// matches from the group sizes, and walks records only up to its limit.
///
/// Updates are O(log g + log n) compares plus a shift of one chunk (g groups,
/// n candidates); a new distinct version shifts the group vector (O(g)).
/// Does not own the records (see slot_list).
class capability_bucket {
public:
  struct group {
    agent::semver version;
    /// Listed records whose health is down (kept current by health_changed).
    size_t down = 0;
    slot_list slots;
  };

  /// Lists `r` (ranking fields `hot`, may be null) at version `v`; counts it
  /// as down if its health is down.
  void insert(const agent::semver& v, agent_record* r, const hot_info* hot = nullptr);
  /// Unlists `r` (listed at version `v`); false if it was not listed.
  bool erase(const agent::semver& v, const agent_record* r);
  /// Keeps the down count of `v`'s group current when a listed record's
  /// health goes from `before` to `after`.
  void health_changed(const agent::semver& v, health before, health after);

  bool empty() const noexcept { return groups_.empty(); }
  /// The groups, highest version first.
  const std::vector<group>& groups() const noexcept { return groups_; }

  /// Round-robin cursor of find_healthy: the instance id picked last.
  std::string last_pick;

private:
  /// The first group whose version is not above `v`.
  std::vector<group>::iterator lower_bound(const agent::semver& v);

  std::vector<group> groups_;
};

} // namespace smith::registry
