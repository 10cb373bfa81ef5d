// Per-instance settings the runtime hands to an agent when it starts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <chrono>
#include <string>
#include <vector>

#include <memory>

#include <caf/actor_addr.hpp>

#include "runtime/agent/agent_id.hpp"

namespace smith::agent {

struct journal_binding;

/// Something an agent can do, with an optional version and metadata.
struct capability {
  /// A subject token, e.g. "summarize".
  std::string name;
  /// SemVer of the capability (empty = the agent's version).
  std::string version;
  std::map<std::string, std::string> metadata;
};

/// Everything an agent instance is started with, as one value (tests, single agents). An
/// agent keeps it as an agent_instance: the parts its pool shares go into an agent_profile.
struct agent_config {
  agent_id id;
  /// Most user messages waiting at once; further requests get `overloaded`.
  size_t mailbox_capacity = 1024;
  /// 1 for the first start; the supervisor increments it on every restart.
  uint64_t incarnation = 1;
  /// Free-form settings from the node config ([[domain.pool]] settings).
  std::map<std::string, std::string> settings;
  /// What the agent offers; registered with the node's registry, if any.
  std::vector<capability> capabilities;
  /// Heartbeat period towards the registry; 0 = no heartbeats (always healthy).
  std::chrono::milliseconds heartbeat_interval{0};
  /// Node name for the registry record (empty = the registry's node).
  std::string node;
  /// Name of the agent type within its domain (agent_type::name, e.g. "echo"); it names the
  /// endpoint table the bridge uses for this agent. Empty when spawned without a type.
  std::string type;
  /// The node's event store and the domain's durability mode; null = the agent keeps no
  /// journal (persist() applies events at once). Shared by every agent of a node.
  std::shared_ptr<const journal_binding> journal;
};

/// What every agent of one pool shares: immutable, made once per pool and held by pointer.
struct agent_profile {
  std::string domain;
  /// SemVer of the agent type.
  std::string version;
  /// agent_config::type.
  std::string type;
  /// agent_config::node.
  std::string node;
  size_t mailbox_capacity = 1024;
  std::chrono::milliseconds heartbeat_interval{0};
  std::map<std::string, std::string> settings;
  std::vector<capability> capabilities;
  std::shared_ptr<const journal_binding> journal;
  /// The instance text of a profile made for one agent whose configured instance is no
  /// canonical UUID (hand-made ids in tests); empty otherwise.
  std::string odd_instance;
};

/// One incarnation of an agent as the agent keeps it (80 bytes): its name, instance UUID and
/// incarnation beside a pointer to its pool's profile. Read through the accessors.
class agent_instance {
public:
  /// Converts a full config: its shared parts go into a profile of this agent's own.
  agent_instance(agent_config cfg); // NOLINT: implicit, so that agent_config still spawns
  /// An incarnation of `profile` (never null) named `name`; a valid `supervisor` is told of
  /// the agent's exit by the agent itself (child_spec::reports_exit, set by agent_child).
  agent_instance(std::string name, uuid instance, uint64_t incarnation,
                 std::shared_ptr<const agent_profile> profile, caf::actor_addr supervisor = {});

  const std::string& name() const noexcept { return name_; }
  const std::string& domain() const noexcept { return profile_->domain; }
  const std::string& version() const noexcept { return profile_->version; }
  /// The instance UUID, formatted (agent_id::instance).
  std::string instance() const;
  /// The full identity, formatted (domain, name, instance, version).
  agent_id id() const;
  /// "domain/name@version" (agent::qualified_name of id()).
  std::string qualified_name() const;
  /// 1 for the first start; the supervisor increments it on every restart.
  uint64_t incarnation() const noexcept { return incarnation_; }
  size_t mailbox_capacity() const noexcept { return profile_->mailbox_capacity; }
  const std::map<std::string, std::string>& settings() const noexcept {
    return profile_->settings;
  }
  const std::vector<capability>& capabilities() const noexcept { return profile_->capabilities; }
  std::chrono::milliseconds heartbeat_interval() const noexcept {
    return profile_->heartbeat_interval;
  }
  const std::string& node() const noexcept { return profile_->node; }
  const std::string& type() const noexcept { return profile_->type; }
  const std::shared_ptr<const journal_binding>& journal() const noexcept {
    return profile_->journal;
  }
  /// The shared part.
  const agent_profile& profile() const noexcept { return *profile_; }
  /// The supervisor the agent reports its exit to (child_down_atom), or invalid: then its
  /// supervisor, if any, monitors it.
  const caf::actor_addr& supervisor() const noexcept { return supervisor_; }

private:
  std::string name_;
  uuid instance_;
  uint64_t incarnation_;
  std::shared_ptr<const agent_profile> profile_;
  caf::actor_addr supervisor_;
};

} // namespace smith::agent
