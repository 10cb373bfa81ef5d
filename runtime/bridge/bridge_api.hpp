// The node's bridge actor: its typed interface and the values it exchanges.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "runtime/bridge/inbound.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/nats/connection.hpp"
#include "runtime/registry/agent_record.hpp"

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace smith::bridge {

using call_atom = caf::atom_constant<caf::atom("call")>;
using cast_atom = caf::atom_constant<caf::atom("cast")>;
using gather_atom = caf::atom_constant<caf::atom("gather")>;
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
using reply_atom = caf::atom_constant<caf::atom("reply")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using stats_atom = caf::atom_constant<caf::atom("brstats")>;
using rewatch_atom = caf::atom_constant<caf::atom("rewatch")>;
using endpoint_stats_atom = caf::atom_constant<caf::atom("epstats")>;
using routes_atom = caf::atom_constant<caf::atom("routes")>;
using routed_atom = caf::atom_constant<caf::atom("routed")>;
using routed_flush_atom = caf::atom_constant<caf::atom("routedfl")>;
using routed_expire_atom = caf::atom_constant<caf::atom("routedexp")>;

/// How long `routed` waits for its agent to reach the bridge's directory.
inline constexpr std::chrono::milliseconds route_wait{2000};

/// Key under which the node's bridge is published in CAF's actor registry.
inline constexpr caf::atom_value bridge_name = caf::atom("smith.brdg");

/// Where a call goes: `name` is an agent (direct), a pool (load-balanced: one member
/// answers) or "_all" (broadcast to every agent of the domain).
struct agent_ref {
  std::string domain;
  std::string name;
};

/// A protobuf message passed between actors of one process; never serialized by CAF.
struct wire_payload {
  std::shared_ptr<const google::protobuf::Message> msg;
};

/// One call or cast. `deadline` is absolute; hops never extend it.
struct call_request {
  agent_ref target;
  std::string action;
  wire_payload payload;
  wall_time deadline;
  /// W3C traceparent to continue (empty: the bridge starts a trace).
  std::string traceparent;
  /// Who calls, for the Smith-Sender header (empty: the node's name).
  std::string sender;
};

/// What the bridge did since it started; rejected counts are per wire_code.
struct bridge_stats {
  uint64_t inbound = 0;
  uint64_t replies_sent = 0;
  uint64_t local_calls = 0;
  uint64_t remote_calls = 0;
  uint64_t casts = 0;
  uint64_t late_replies = 0;
  uint64_t pending_calls = 0;
  uint64_t local_agents = 0;
  std::map<uint16_t, uint64_t> rejected;
  /// Calls, casts and gathers asked of the bridge actor, per "{kind}.{domain}.{action}"
  /// (kind: call, cast, gather); bridge::cast's direct path is not counted.
  std::map<std::string, uint64_t> outbound;
};

/// Requests served by one action of one local agent (for $SRV.STATS).
struct endpoint_stat {
  /// `agents.{domain}.{name}.{action}`.
  std::string subject;
  uint64_t requests = 0;
  uint64_t errors = 0;
  /// Text of the most recent error (empty if none).
  std::string last_error;
  /// Sum of the time from dispatch to the agent's answer, in nanoseconds.
  int64_t processing_ns = 0;
  /// The same times per bucket of metrics::latency_bounds (+Inf last); empty before the
  /// first answered request. One-way messages are counted in `requests` only.
  std::vector<uint64_t> latency_counts;
};

/// The bridge (one per node).
/// - call(request) -> payload: the target's reply. Errors are wire_code values (the agent's
///   own error arrives as INTERNAL with its text; overloaded as OVERLOADED; ...).
/// - cast(request) -> ok once accepted (enqueued locally or published); one-way, no reply.
/// - gather(request, expected) -> every reply of a broadcast that arrived before the deadline
///   or once `expected` (0 = no limit) replies arrived.
/// - stats -> bridge_stats.
/// - endpoint_stats -> one endpoint_stat per (local agent, action) that served a request.
/// - routes -> ok once the pool and broadcast subscriptions match the bridge's route_set
///   (domains loaded or unloaded at runtime); NATS errors as they came.
/// - routed(domain, name, instance) -> ok once that local agent is in the bridge's directory
///   and its direct subscription (if it has one) is known to the NATS server (flushed after
///   subscribing): an agent announced to the cluster after this answer is reachable.
///   wire_code::unavailable if the agent does not show up within route_wait.
/// The remaining messages are the bridge's own plumbing (NATS callbacks, timers, registry
/// watch); nothing else should send them.
using bridge_actor = caf::typed_actor<
  caf::replies_to<call_atom, call_request>::with<wire_payload>,
  caf::replies_to<cast_atom, call_request>::with<ok_atom>,
  caf::replies_to<gather_atom, call_request, uint32_t>::with<std::vector<wire_payload>>,
  caf::replies_to<stats_atom>::with<bridge_stats>,
  caf::replies_to<endpoint_stats_atom>::with<std::vector<endpoint_stat>>,
  caf::replies_to<routes_atom>::with<ok_atom>,
  caf::replies_to<routed_atom, std::string, std::string, std::string>::with<ok_atom>,
  caf::reacts_to<routed_flush_atom>,
  caf::reacts_to<routed_expire_atom, std::string>,
  caf::reacts_to<inbound_atom, inbound_request>,
  caf::reacts_to<reply_atom, nats::inbound_msg>,
  caf::reacts_to<expire_atom, uint64_t>,
  caf::reacts_to<rewatch_atom>,
  caf::reacts_to<registry::watch_event>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_ref& x) {
  return f(caf::meta::type_name("smith.agent_ref"), x.domain, x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bridge_stats& x) {
  return f(caf::meta::type_name("smith.bridge_stats"), x.inbound, x.replies_sent, x.local_calls,
           x.remote_calls, x.casts, x.late_replies, x.pending_calls, x.local_agents, x.rejected,
           x.outbound);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, endpoint_stat& x) {
  return f(caf::meta::type_name("smith.endpoint_stat"), x.subject, x.requests, x.errors,
           x.last_error, x.processing_ns, x.latency_counts);
}

} // namespace smith::bridge

// Protobuf messages and descriptors only travel between actors of this process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::bridge::wire_payload)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::bridge::call_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::bridge::inbound_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<smith::bridge::wire_payload>)
