// The records and plain-map baseline shared by the registry scenarios.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/agent/semver.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/registry/agent_record.hpp"

namespace smith::bench {

/// `n` agent records spread over `capabilities` capabilities (one each),
/// versions 1.0.0 .. 2.9.0, unique instance ids; no actor handles.
std::vector<registry::agent_record> make_records(size_t n, size_t capabilities);

/// Capability name number `i`.
std::string capability_name(size_t i);

/// The baseline: records in a std::unordered_map by instance plus a
/// std::unordered_map from capability to its records, highest version first.
class plain_map {
public:
  void insert(registry::agent_record r);
  /// Same work as registry discover: filter by range, copy out up to `limit`.
  std::vector<registry::agent_record> discover(const std::string& capability,
                                               const agent::version_range& range,
                                               size_t limit) const;
  /// Same work as find_healthy: the least-loaded match, copied out.
  registry::agent_record least_loaded(const std::string& capability,
                                      const agent::version_range& range) const;
  /// Orders each capability's candidates (call once after the inserts).
  void sort();

private:
  struct item {
    agent::semver version;
    const registry::agent_record* record;
  };
  std::unordered_map<std::string, registry::agent_record> by_instance_;
  std::unordered_map<std::string, std::vector<item>> by_capability_;
};

} // namespace smith::bench
