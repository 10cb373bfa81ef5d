// A digest of one node's registry records, compared between nodes for anti-entropy.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "runtime/registry/agent_record.hpp"

namespace smith::registry {

/// Count and order-independent hash of a set of records. Two registries
/// holding equal records (as far as digest_hash covers them) compute equal
/// digests whatever the order in which the records arrived.
struct registry_digest {
  uint64_t count = 0;
  /// Wrapping sum of digest_hash() over the records.
  uint64_t hash = 0;
};

/// Hash of the parts of `r` that replication keeps equal on every node:
/// id.domain, id.name, id.instance, id.version, node, state, health_, and each
/// capability's name, version and metadata (combined order-independently,
/// so the capabilities' order does not matter). Excluded because they differ
/// between nodes or change on every beat: handle, load, registered_ns,
/// last_beat_ns, heartbeats. Fields are length-prefixed (no two different
/// records feed the same bytes), hashed with 64-bit FNV-1a and finalized
/// with the splitmix64 mixer. Stable across builds and platforms.
uint64_t digest_hash(const agent_record& r);

/// Adds a record's hash to `d` (O(1)).
void digest_add(registry_digest& d, uint64_t record_hash);

/// Removes a hash added before (O(1)).
void digest_remove(registry_digest& d, uint64_t record_hash);

/// The digest of `records` (any order).
registry_digest digest_of(const std::vector<agent_record>& records);

inline bool operator==(const registry_digest& x, const registry_digest& y) {
  return x.count == y.count && x.hash == y.hash;
}

inline bool operator!=(const registry_digest& x, const registry_digest& y) {
  return !(x == y);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_digest& x) {
  return f(caf::meta::type_name("smith.registry_digest"), x.count, x.hash);
}

} // namespace smith::registry
