// State of the bridge actor (internal to actors/bridge).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/bridge/bridge_actor.hpp"
#include "actors/bridge/direct_responder.hpp"
#include "actors/bridge/local_directory.hpp"
#include "runtime/bridge/outbound.hpp"

namespace smith::actors {

/// Counters written by NATS callback threads (rejections happen before the actor sees a
/// message) and read by the actor for stats.
struct wire_counters {
  std::atomic<uint64_t> inbound{0};
  /// Replies published by direct responders (the bridge counts its own in its stats).
  std::atomic<uint64_t> direct_replies{0};
  std::array<std::atomic<uint64_t>, 16> rejected{};
  /// Senders already warned about for a malformed traceparent (see warn_bad_trace).
  std::mutex trace_warned_mtx;
  std::set<std::string> trace_warned;
  void reject(bridge::wire_code code) {
    rejected[static_cast<size_t>(code) % rejected.size()].fetch_add(1, std::memory_order_relaxed);
  }
};

/// Logs (warning) that `req` came with a malformed traceparent, replaced by a new trace: once
/// per sender (Smith-Sender, "an anonymous sender" without one; at most 1024 senders are
/// remembered, later ones are not warned about). Thread-safe.
void warn_bad_trace(wire_counters& counters, const std::string& node,
                    const bridge::inbound_request& req);

/// A call of ours waiting for its reply over NATS.
struct pending_call {
  caf::response_promise rp;
  std::string subject;
  /// Gather: replies so far, and how many end it early (0 = only the deadline).
  bool gather = false;
  uint32_t expected = 0;
  std::vector<bridge::wire_payload> gathered;
  /// The call's deadline: the expiry sweep answers it then (DEADLINE_EXCEEDED, or a
  /// gather's replies so far).
  bridge::wall_time deadline = bridge::wall_time::max();
};

/// Our calls awaiting replies. Shared with the reply subscription's callback, which
/// answers a plain call straight to its caller from the delivery thread; the actor adds
/// calls, expires them and handles gathers.
struct pending_table {
  std::mutex mtx;
  std::unordered_map<uint64_t, pending_call> calls;
  /// Set (under mtx) when the bridge stops and answers what is parked: callers' direct
  /// path parks nothing after that (nobody would expire it; callers arm no timeout).
  bool closed = false;
  /// Replies that found no call (deadline passed, or not ours).
  std::atomic<uint64_t> late{0};
  /// Correlation ids of our calls (the bridge's and the callers' direct path).
  std::atomic<uint64_t> next_correlation{0};
  /// Calls sent by the callers' direct path (bridge::call), guarded by mtx: how many, and
  /// per "call.{domain}.{action}" (merged into bridge_stats).
  uint64_t direct_calls = 0;
  std::map<std::string, uint64_t> direct_outbound;
  /// Removes and returns the call `corr`, if it is still waiting.
  std::optional<pending_call> take(uint64_t corr);
  /// When the next expiry sweep is due (system clock ns since the epoch; max: none armed).
  /// One timer serves every call due at or after it, instead of one timer per call.
  std::atomic<int64_t> sweep_at{std::numeric_limits<int64_t>::max()};
  /// Whether a sweep must be scheduled for a call due at `due` (then the caller does):
  /// true unless one is armed at or before it. Thread-safe.
  bool arm_sweep(bridge::wall_time due);
};

/// Makes sure an expiry sweep of `bridge` runs by `deadline` (a call due then was parked
/// in `t`): schedules one on the actor clock unless one is due earlier. Any thread.
void arm_expiry(caf::actor_system& sys, const caf::strong_actor_ptr& bridge, pending_table& t,
                bridge::wall_time deadline);

struct bridge_state {
  static const char* name;
  /// Runs when the actor exits (CAF destroys a stateful actor's state in on_exit):
  /// unsubscribes before anything else goes, then fails every pending call.
  ~bridge_state();
  bridge_options opts;
  std::shared_ptr<wire_counters> counters = std::make_shared<wire_counters>();
  local_directory agents;
  /// The direct cast path callers use (bridge::cast); mirrors the named local agents.
  std::shared_ptr<bridge::outbound> out;
  caf::actor_system* sys = nullptr;
  caf::actor registry;
  std::vector<nats::subscription> subs;
  /// Subscriptions of opts.dynamic: "pool:{domain}/{pool}" and "all:{domain}".
  std::map<std::string, nats::subscription> dynamic_subs;
  std::shared_ptr<pending_table> pending = std::make_shared<pending_table>();
  bridge::bridge_stats stats;
  /// Per "domain.name.action" of local agents; shared with the direct responders.
  std::shared_ptr<endpoint_stat_table> endpoint_stats = std::make_shared<endpoint_stat_table>();
  /// `routed` callers whose agent is not in the directory yet, by instance.
  std::map<std::string, std::vector<caf::response_promise>> route_waiters;
  /// `routed` callers answered after the next flush (one flush serves a burst).
  std::vector<caf::response_promise> route_flushes;
};

using bridge_self = caf::stateful_actor<bridge_state>;

// -- bridge_directory.cpp: following the registry ------------------------------------
void watch_registry(bridge_self* self);
void on_watch_event(bridge_self* self, const registry::watch_event& ev);
caf::error subscribe_routes(bridge_self* self);
/// Brings pools and subscriptions of opts.dynamic up to date (added and removed ones).
caf::error sync_dynamic_routes(bridge_self* self);

// -- bridge_routed.cpp: confirming that a local agent is reachable over NATS ----------
/// Answers `routed(domain, name, instance)` (see bridge_actor): now if the agent is known,
/// else once add_agent brings it or at route_wait.
void on_routed(bridge_self* self, const std::string& domain, const std::string& name,
               const std::string& instance, caf::response_promise rp);
/// Agent `instance` entered the directory: its waiters go on to the next flush.
void release_route_waiters(bridge_self* self, const std::string& instance);
/// Flushes the rpc connection and answers every caller waiting for it.
void flush_routes(bridge_self* self);
/// The waiters of `instance` still there after route_wait get an error.
void expire_route_waiters(bridge_self* self, const std::string& instance);

// -- bridge_inbound.cpp: requests arriving over NATS -----------------------------------
/// The NATS callback for agent subjects: validates on the delivery thread, answers
/// rejections there, and posts valid requests to the bridge.
/// With `direct` (the agent a direct subscription belongs to), one-way messages are posted
/// to that agent from the delivery thread without passing through the bridge.
std::function<void(const nats::inbound_view&)>
inbound_handler(bridge_self* self, const local_agent* direct = nullptr);
void on_inbound(bridge_self* self, bridge::inbound_request& req);

// -- bridge_outbound.cpp: our calls ----------------------------------------------------
void on_call(bridge_self* self, bridge::call_request& cr, caf::response_promise rp);
void on_cast(bridge_self* self, bridge::call_request& cr, caf::response_promise rp);
void on_gather(bridge_self* self, bridge::call_request& cr, uint32_t expected,
               caf::response_promise rp);
/// The remote call function of the bridge's outbound (bridge::call's direct path): runs on
/// the caller's thread and shares only thread-safe state with the bridge.
bridge::outbound::remote_call_fn direct_call_fn(bridge_self* self);

// -- bridge_replies.cpp: replies to our calls -------------------------------------------
void on_reply(bridge_self* self, nats::inbound_msg& m);
/// The reply subscription's callback: answers plain calls from the delivery thread,
/// posts gathers (and calls forwarded through stages) to the bridge.
std::function<void(const nats::inbound_view&)> reply_handler(bridge_self* self);
/// Expires call `correlation` if still waiting; correlation 0 (never a call's) runs the
/// sweep: every call past its deadline is answered, and the next sweep is armed.
void on_expire(bridge_self* self, uint64_t correlation);

} // namespace smith::actors
