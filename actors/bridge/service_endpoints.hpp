// The NATS services (ADR-32) view of a node: which endpoints its agents and pools serve.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/registry/agent_record.hpp"

namespace smith::domain {
class domain_catalog;
} // namespace smith::domain

namespace smith::actors {

/// A pool this node hosts: its members answer `agents.{domain}.{pool}.{action}` in queue
/// group `smith.{domain}.{pool}`; `agent_type` names the members' type (its endpoints).
struct service_pool {
  std::string domain;
  std::string pool;
  std::string agent_type;
};

/// One ADR-32 endpoint as INFO and STATS describe it.
struct service_endpoint {
  /// ADR-32 endpoint name (`A-Z a-z 0-9 - _` only): "{domain}-{agent or pool}-{action}".
  std::string name;
  /// `agents.{domain}.{name}.{action}`.
  std::string subject;
  /// Empty for a plain (direct) subscription; INFO and STATS then omit `queue_group`.
  std::string queue_group;
  /// Endpoint metadata (domain, agent or pool, agent_type, versions, protobuf types, node).
  std::map<std::string, std::string> metadata;
};

/// `text` with every byte outside `A-Z a-z 0-9 - _` replaced by '_' ("_" when empty), so
/// any subject token becomes a valid ADR-32 endpoint name.
std::string endpoint_name(std::string_view text);

/// Endpoints of `node`: one per (local agent, action) for every record of `node` whose
/// agent type (looked up in `catalog` by record.agent_type) has endpoints, then one per
/// (hosted pool, action) of the pool's agent type. Records of other nodes, agents of
/// unknown types and pools of unknown types contribute nothing. Sorted by subject, then
/// name; never fails (names that are not subject tokens are skipped).
std::vector<service_endpoint> describe_endpoints(const std::string& node,
                                                 const std::vector<registry::agent_record>& records,
                                                 const domain::domain_catalog& catalog,
                                                 const std::vector<service_pool>& pools);

} // namespace smith::actors
