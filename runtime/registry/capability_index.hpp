// The registry's index: agents by instance, by name and by capability in version order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/error.hpp>

#include "runtime/agent/semver.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/registry/agent_record.hpp"
#include "runtime/registry/capability_bucket.hpp"
#include "runtime/registry/record_slab.hpp"

namespace smith::registry {

/// A plain, single-threaded index (the registry actor owns it). Queries hand
/// out pointers into the index, valid until the next modification; they never
/// copy records.
class capability_index {
public:
  /// Limits enforced on insert; 0 = unlimited.
  explicit capability_index(size_t max_agents_per_domain = 0);
  ~capability_index();
  capability_index(const capability_index&) = delete;
  capability_index& operator=(const capability_index&) = delete;

  /// Adds `r` after validating names and versions. Errors: invalid_name,
  /// invalid_version, duplicate_instance, limit_exceeded; nothing changes on error.
  caf::error insert(agent_record r);
  /// What insert() would refuse about `r` for its names, versions or instance
  /// id (the domain limit is checked by insert alone).
  caf::error validate(const agent_record& r) const;
  /// Removes the agent; unknown_agent if absent.
  caf::error erase(const std::string& instance);

  const agent_record* find(const std::string& instance) const;
  /// The registered instance of domain/name, if any.
  const agent_record* find_by_name(const std::string& domain, const std::string& name) const;
  /// Mutable access for heartbeat times and other unindexed fields. Never
  /// change id or capabilities through it (they key the index), nor health,
  /// state or load (find_healthy ranks by a copy of them); use
  /// set_health/set_state/set_load.
  agent_record* find_mutable(const std::string& instance);

  /// Sets an agent's load; false if unknown.
  bool set_load(const std::string& instance, load_info load);

  /// Sets an agent's health; returns the previous one, or nullopt if unknown.
  std::optional<health> set_health(const std::string& instance, health h);
  /// Sets an agent's lifecycle state; returns the previous one, or nullopt if unknown.
  std::optional<agent::lifecycle_state> set_state(const std::string& instance,
                                                  agent::lifecycle_state st);

  /// Visits matches of `q` in discovery order (highest version first, ties by
  /// instance id) until `visit` returns false; returns the number of matches.
  /// `range` may be null (any version).
  size_t discover(const discover_query& q, const agent::version_range* range,
                  const std::function<bool(const agent_record&)>& visit) const;

  /// The least-loaded healthy, active candidate (degraded ones only when no
  /// healthy one exists, down ones never). Ties go to the lowest instance id,
  /// or rotate after the previous pick when `round_robin`. Null if none.
  const agent_record* find_healthy(const std::string& capability, const agent::version_range* range,
                                   bool round_robin);

  /// Calls `fn` for every record passing `f`.
  void for_each(const record_filter& f, const std::function<void(const agent_record&)>& fn) const;

  size_t size() const noexcept { return by_instance_.size(); }
  size_t domain_size(const std::string& domain) const;

private:
  /// The version group of `r`'s capability `c` (its own version, else the agent's).
  static agent::semver version_of(const agent_record& r, const capability_info& c);

  size_t max_per_domain_;
  // Records live in the slab (stable addresses, hot fields apart); the
  // version of each capability is parsed again on the rare erase or health
  // change rather than stored per record.
  record_slab slab_;
  std::unordered_map<std::string, record_slab::slot_id> by_instance_;
  std::unordered_map<std::string, std::string> by_name_; // "domain/name" -> instance
  std::unordered_map<std::string, capability_bucket> by_capability_;
  std::unordered_map<std::string, size_t> per_domain_;
};

} // namespace smith::registry
