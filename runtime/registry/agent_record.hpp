// What the registry knows about one agent, and the queries it answers (native mirror of
// smith.registry.v1; record_codec converts at the wire boundary).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/agent/agent_id.hpp"
#include "runtime/agent/lifecycle.hpp"

namespace smith::registry {

/// Health from heartbeats (mirrors smith.registry.v1.Health).
enum class health : uint8_t { healthy = 1, degraded, down };

/// Lowercase name ("healthy", ...).
const char* to_string(health x);

/// One capability as registered: name, SemVer (empty = the agent's) and metadata.
struct capability_info {
  std::string name;
  std::string version;
  std::map<std::string, std::string> metadata;
};

/// Load as last reported; find_healthy prefers the lowest mailbox_depth + in_flight.
struct load_info {
  uint64_t mailbox_depth = 0;
  uint64_t in_flight = 0;
};

/// A registered agent. `handle` is the in-process address (a NATS address
/// joins it with the bridge).
struct agent_record {
  agent::agent_id id;
  caf::actor handle;
  std::vector<capability_info> capabilities;
  agent::lifecycle_state state = agent::lifecycle_state::active;
  health health_ = health::healthy;
  load_info load;
  /// Node the agent lives on.
  std::string node;
  /// Actor-clock nanoseconds of registration and of the last heartbeat.
  int64_t registered_ns = 0;
  int64_t last_beat_ns = 0;
  /// Whether the agent promised heartbeats (only then can it become degraded/down).
  bool heartbeats = false;
  /// Name of the agent's type within its domain (e.g. "echo"): which endpoints it has.
  /// Empty when unknown (an agent spawned without a type).
  std::string agent_type;
};

/// discover(): who can do `capability` within `version_range`?
struct discover_query {
  std::string capability;
  /// SemVer range ("^1.2", ">=1.0 <2.0", "*"); empty = any.
  std::string version_range;
  /// Every key must be present in the capability's metadata with this value.
  std::map<std::string, std::string> metadata;
  /// Most records returned; 0 = 100.
  uint32_t limit = 0;
  /// Also return down agents (degraded ones are always returned).
  bool include_unhealthy = false;
};

/// discover()'s answer: highest matching version first, ties by instance id.
struct discover_result {
  std::vector<agent_record> records;
  /// Matches before `limit` was applied.
  uint64_t total = 0;
};

/// "Any state" / "any health" in a record_filter (0 is no valid value of either).
inline constexpr auto any_state = static_cast<agent::lifecycle_state>(0);
inline constexpr auto any_health = static_cast<health>(0);

/// list() and watch() filters; empty fields (and any_state/any_health) match anything.
struct record_filter {
  std::string domain;
  std::string capability;
  std::string node;
  agent::lifecycle_state state = any_state;
  health health_ = any_health;
};

/// Kind of a watch event.
enum class watch_kind : uint8_t { registered = 1, deregistered, health_changed, updated };

/// One change, delivered to a watcher in order. `sequence` increases by one
/// per event of this registry; `previous_sequence` is the sequence of the
/// previous event sent to the same watcher (or of its watch_ack), so a
/// watcher detects a lost event by previous_sequence != the last it saw.
struct watch_event {
  watch_kind kind = watch_kind::registered;
  agent_record record;
  /// Health before a health_changed event (else the current health).
  health previous_health = health::healthy;
  /// Lifecycle state before an updated event (else any_state).
  agent::lifecycle_state previous_state = any_state;
  uint64_t sequence = 0;
  uint64_t previous_sequence = 0;
  /// Changes whenever the registry restarts: sequences restart with it.
  std::string registry_instance;
};

/// Answer to watch(): the matching records now, and where events continue.
struct watch_ack {
  uint64_t sequence = 0;
  std::string registry_instance;
  std::vector<agent_record> snapshot;
};

/// Whether `r` passes `f`.
bool matches(const record_filter& f, const agent_record& r);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capability_info& x) {
  return f(caf::meta::type_name("smith.capability_info"), x.name, x.version, x.metadata);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_info& x) {
  return f(caf::meta::type_name("smith.load_info"), x.mailbox_depth, x.in_flight);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_record& x) {
  return f(caf::meta::type_name("smith.agent_record"), x.id, x.handle, x.capabilities, x.state,
           x.health_, x.load, x.node, x.registered_ns, x.last_beat_ns, x.heartbeats, x.agent_type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, discover_query& x) {
  return f(caf::meta::type_name("smith.discover_query"), x.capability, x.version_range,
           x.metadata, x.limit, x.include_unhealthy);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, discover_result& x) {
  return f(caf::meta::type_name("smith.discover_result"), x.records, x.total);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_filter& x) {
  return f(caf::meta::type_name("smith.record_filter"), x.domain, x.capability, x.node, x.state,
           x.health_);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_event& x) {
  return f(caf::meta::type_name("smith.watch_event"), x.kind, x.record, x.previous_health,
           x.previous_state, x.sequence, x.previous_sequence, x.registry_instance);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_ack& x) {
  return f(caf::meta::type_name("smith.watch_ack"), x.sequence, x.registry_instance, x.snapshot);
}

} // namespace smith::registry
