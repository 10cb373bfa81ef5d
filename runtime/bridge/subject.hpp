// Every NATS subject, queue group and KV key Smith uses: built and parsed here only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace smith::bridge {

// All builders check every token with `token_error` (runtime/core/token.hpp) and fail with
// `wire_code::bad_request` and a text naming the token ("agent name '_x' ..."). Agent,
// pool and action names may not start with '_' (reserved for routing, e.g. `_all`).

/// How an agent subject addresses agents.
enum class target_kind : uint8_t {
  /// `agents.{domain}.{name}.{action}`: one agent, or one member of pool `name`.
  direct_or_pool,
  /// `agents.{domain}._all.{action}`: every agent of the domain with `action`.
  broadcast,
};

/// A parsed agent subject. For broadcast, `name` is "_all".
struct agent_target {
  target_kind kind = target_kind::direct_or_pool;
  std::string domain;
  std::string name;
  std::string action;
};

/// `agents.{domain}.{name}.{action}`; `name` is an agent or a pool.
caf::expected<std::string> agent_subject(std::string_view domain, std::string_view name,
                                         std::string_view action);

/// `agents.{domain}._all.{action}`.
caf::expected<std::string> broadcast_subject(std::string_view domain, std::string_view action);

/// `agents.{domain}.{name}.*`: every action of one agent or pool.
caf::expected<std::string> agent_wildcard(std::string_view domain, std::string_view name);

/// `agents.{domain}._all.*`: every broadcast of a domain.
caf::expected<std::string> broadcast_wildcard(std::string_view domain);

/// `smith.{domain}.{pool}`: the queue group of a pool's subscribers.
caf::expected<std::string> queue_group(std::string_view domain, std::string_view pool);

/// Parses an inbound agent subject: exactly 4 valid tokens, the first "agents"; name
/// `_all` is a broadcast; any other name or action starting with '_' is refused.
/// Fails with bad_request naming the offending token.
caf::expected<agent_target> parse_agent_subject(std::string_view subject);

/// `_INBOX.smith.{node}.{nonce}`: a node's prefix for reply subjects.
caf::expected<std::string> reply_prefix(std::string_view node, std::string_view nonce);

/// `{prefix}.{correlation}`; `prefix` must come from reply_prefix.
caf::expected<std::string> reply_subject(std::string_view prefix, uint64_t correlation);

/// `{prefix}.*`: the one subscription receiving all replies for `prefix`.
caf::expected<std::string> reply_wildcard(std::string_view prefix);

/// The correlation id of `subject` if it is `{prefix}.{decimal uint64}`; else bad_request.
caf::expected<uint64_t> parse_reply_subject(std::string_view prefix, std::string_view subject);

/// `smith.cluster.hb.{node}`.
caf::expected<std::string> heartbeat_subject(std::string_view node);
/// `smith.cluster.hb.*`.
std::string heartbeat_wildcard();
/// `smith.cluster.leave.{node}`.
caf::expected<std::string> leave_subject(std::string_view node);
/// `smith.cluster.leave.*`.
std::string leave_wildcard();
/// `smith.registry.events.{node}`.
caf::expected<std::string> registry_events_subject(std::string_view node);
/// `smith.registry.events.*`.
std::string registry_events_wildcard();
/// `smith.registry.sync.{node}`.
caf::expected<std::string> registry_sync_subject(std::string_view node);

/// The cluster channels that end in a node name.
enum class node_channel : uint8_t { heartbeat, leave, registry_events, registry_sync };

/// A parsed cluster subject.
struct node_subject {
  node_channel channel = node_channel::heartbeat;
  std::string node;
};

/// Parses a subject built by heartbeat/leave/registry_events/registry_sync_subject;
/// bad_request for anything else (so a receiver can check the body's node against it).
caf::expected<node_subject> parse_node_subject(std::string_view subject);

/// NATS services protocol verbs (ADR-32).
enum class srv_verb : uint8_t { ping, info, stats };

/// `$SRV.{VERB}`, `$SRV.{VERB}.{service}` or `$SRV.{VERB}.{service}.{id}`. An empty
/// `service` means all services (then `id` must be empty too).
caf::expected<std::string> srv_subject(srv_verb verb, std::string_view service = {},
                                       std::string_view id = {});

/// `{node}.{instance}`: the key of an agent record in the JetStream KV bucket. Both parts
/// must be subject tokens of KV-safe bytes only (`A-Z a-z 0-9 - _ = /`).
caf::expected<std::string> kv_key(std::string_view node, std::string_view instance);

// -- admin service (smithctl; implemented in subject_admin.cpp) ---------------------------

/// The verbs of `smith.admin.{node}.{verb}` (contracts/smith/admin/v1/admin.proto).
enum class admin_verb : uint8_t {
  info, tree, agents, find, inspect, send, events, control, domains, load, unload, stats,
  memory,
};

/// The verb's subject token ("info", "tree", ...).
const char* to_string(admin_verb x);

/// The verb named `token`; bad_request naming it for an unknown one.
caf::expected<admin_verb> parse_admin_verb(std::string_view token);

/// `smith.admin.ping`: every node answers (cluster-wide discovery).
std::string admin_ping_subject();

/// `smith.admin.{node}.{verb}`: one node's admin service.
caf::expected<std::string> admin_subject(std::string_view node, admin_verb verb);

/// `smith.admin.{node}.*`: every verb of one node (the node's subscription).
caf::expected<std::string> admin_wildcard(std::string_view node);

/// A parsed admin subject.
struct admin_target {
  std::string node;
  admin_verb verb = admin_verb::info;
};

/// Parses `smith.admin.{node}.{verb}`; bad_request naming the part at fault otherwise
/// (an unknown verb included).
caf::expected<admin_target> parse_admin_subject(std::string_view subject);

} // namespace smith::bridge
