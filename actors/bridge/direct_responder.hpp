// Requests for one directly subscribed agent, answered without passing through the bridge.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_companion.hpp>

#include "runtime/agent/endpoint.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/inbound.hpp"
#include "runtime/bridge/nats_link.hpp"

namespace smith::actors {

struct wire_counters;

/// The bridge's per-subject endpoint statistics ($SRV.STATS), shared between the bridge and
/// the direct responders, which count from NATS and agent threads.
struct endpoint_stat_table {
  std::mutex mtx;
  /// Per "domain.name.action"; nodes are never erased (pointers into it stay valid).
  std::map<std::string, bridge::endpoint_stat> stats;
  /// The entry `key` ("domain.name.action"), created with its subject. Caller holds mtx.
  bridge::endpoint_stat& at(const std::string& key);
  /// Counts one answered request that took `ns` (an error when `error` is not empty).
  void count(const std::string& key, int64_t ns, const std::string& error);
};

/// Answers requests for one agent straight from the NATS delivery thread: the request is
/// enqueued into the agent's mailbox from a companion actor, and the agent's response is
/// translated and published from the thread that delivers it (the agent's), so a request
/// costs one mailbox hop instead of three (delivery thread -> bridge -> agent -> bridge).
/// Requests still waiting after their deadline are answered DEADLINE_EXCEEDED at the next
/// request's sweep (the caller has timed out by then in any case). Thread-safe.
class direct_responder {
public:
  struct context {
    std::shared_ptr<bridge::nats_link> link;
    size_t max_payload = 0;
    std::shared_ptr<wire_counters> counters;
    std::shared_ptr<endpoint_stat_table> stats;
    std::string node;
  };

  direct_responder(caf::actor_system& sys, context ctx, std::string domain, std::string name);
  ~direct_responder();
  direct_responder(const direct_responder&) = delete;
  direct_responder& operator=(const direct_responder&) = delete;

  /// Sends `req` (valid, with a reply subject and deadline) to `agent` through `ep`;
  /// answers errors found before sending on the wire. False when `ep` has no direct form
  /// (the bridge must dispatch it).
  bool handle(const caf::actor& agent, const agent::endpoint& ep, bridge::inbound_request& req);

private:
  struct waiting {
    std::string reply;
    std::string msg_id;
    std::string traceparent;
    const agent::endpoint* ep = nullptr;
    std::string stat_key;
    std::string action;
    std::chrono::steady_clock::time_point started;
    bridge::wall_time deadline;
  };

  /// The companion requests are sent from (made on first use). Caller holds mtx_.
  caf::strong_actor_ptr companion();
  void on_response(caf::mailbox_element_ptr& ptr);
  /// Counts (when `counted`: the agent was asked) and publishes the answer to `w`.
  void answer(waiting& w, agent::endpoint_result res, bool counted);
  void sweep(std::chrono::steady_clock::time_point now);

  caf::actor_system* sys_;
  context ctx_;
  std::string domain_;
  std::string name_;
  caf::strong_actor_ptr companion_ref_;
  caf::actor_companion* companion_ = nullptr;
  std::mutex mtx_;
  std::unordered_map<uint64_t, waiting> waiting_;
  uint64_t next_id_ = 0;
  std::chrono::steady_clock::time_point next_sweep_;
};

} // namespace smith::actors
