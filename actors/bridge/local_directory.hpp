// The bridge's view of the agents living on this node: who answers which subject.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/expected.hpp>

#include "runtime/agent/endpoint.hpp"
#include "runtime/nats/subscription.hpp"
#include "runtime/registry/agent_record.hpp"

namespace smith::actors {

/// One local agent as the bridge dispatches to it.
struct local_agent {
  std::string domain;
  std::string name;
  std::string instance;
  caf::actor handle;
  /// The agent type's endpoints; null when its type has none (it then answers nothing).
  std::shared_ptr<const agent::endpoint_table> endpoints;
  /// Its direct subscription (`agents.{domain}.{name}.*`); empty without NATS.
  nats::subscription sub;
};

/// The endpoint of `a` for `action`: unknown_action if it has none; unknown_type if `type`
/// is not null and differs from the endpoint's request type (null skips that check).
caf::expected<const agent::endpoint*> endpoint_for(const local_agent& a, const std::string& action,
                                                   const google::protobuf::Descriptor* type);

/// Local agents by domain/name, with their pools (agents named `{pool}-{i}` or
/// `{pool}-{node}-{i}` of a pool the node hosts, see tree_builder's agent_name) for
/// load-balanced dispatch. Owned by the bridge actor; not thread-safe.
class local_directory {
public:
  /// Sets this node's name (part of pool members' names in a cluster).
  void set_node(std::string node) { node_ = std::move(node); }

  /// Declares that this node hosts `pool` in `domain` (from the node config).
  void add_pool(const std::string& domain, const std::string& pool);

  /// Adds or replaces the agent `a.domain`/`a.name` (a newer instance replaces an older).
  void upsert(local_agent a);

  /// Removes `instance` if it is still the registered instance of its name; returns
  /// whether something was removed.
  bool erase(const std::string& domain, const std::string& name, const std::string& instance);

  /// The agent `domain`/`name`, or nullptr.
  local_agent* find(const std::string& domain, const std::string& name);

  /// Takes turns among the live members of `domain`/`pool`; nullptr if none (or no such pool).
  local_agent* pick(const std::string& domain, const std::string& pool);

  /// Every agent of `domain`.
  std::vector<local_agent*> members(const std::string& domain);

  /// Number of local agents.
  size_t size() const noexcept { return agents_.size(); }

  /// Drops everything (and with it every direct subscription).
  void clear();

private:
  static std::string key(const std::string& domain, const std::string& name);
  /// The pool `name` belongs to, or empty: `{pool}-{digits}` of a hosted pool.
  std::string pool_of(const std::string& domain, const std::string& name) const;

  std::unordered_map<std::string, local_agent> agents_;
  struct pool_members {
    std::vector<std::string> names;
    size_t next = 0;
  };
  std::map<std::string, pool_members> pools_;
  std::string node_;
};

} // namespace smith::actors
