// Internal: the registry's per-node bookkeeping (records, digests, name holders).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "runtime/registry/agent_record.hpp"
#include "runtime/registry/registry_digest.hpp"

namespace smith::actors {

/// Which instances each node has with their digest hashes (so a node's digest
/// is maintained in O(1) per change and a node's records are found without a
/// scan), and which instance holds each domain/name on each node. Mirrors the
/// capability index: the registry state calls insert/erase/update after every
/// change of the index. Single-threaded (owned by the registry actor).
class node_table {
public:
  /// instance -> digest_hash of its record.
  using instance_map = std::unordered_map<std::string, uint64_t>;

  /// Notes `r` (just added to the index). `r` must have valid names.
  void insert(const registry::agent_record& r);
  /// Forgets `r` (just erased from the index).
  void erase(const registry::agent_record& r);
  /// Re-hashes `r` after a change of fields the digest covers (not its names).
  void update(const registry::agent_record& r);

  /// Instances of `node`; null when it has none.
  const instance_map* instances(const std::string& node) const;
  /// Digest of `node`'s records ({0, 0} when it has none).
  registry::registry_digest digest(const std::string& node) const;
  /// The instance holding domain/name on `node`; null if none.
  const std::string* holder(const std::string& domain, const std::string& name,
                            const std::string& node) const;
  /// The instance domain/name resolves to: the one on `preferred`, else the
  /// one on the lowest node name; null if none.
  const std::string* resolve(const std::string& domain, const std::string& name,
                             const std::string& preferred) const;

private:
  struct node_view {
    instance_map hashes;
    registry::registry_digest digest;
  };

  std::unordered_map<std::string, node_view> nodes_;
  // "domain.name" ('.' never occurs in a valid token) -> node -> instance.
  std::unordered_map<std::string, std::map<std::string, std::string>> names_;
};

} // namespace smith::actors
