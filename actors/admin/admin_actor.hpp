// The node's admin service: answers smithctl on smith.admin.{node}.{verb} and smith.admin.ping.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/admin/admin_hooks.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/nats/inbound_msg.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::domain {
class domain_catalog;
} // namespace smith::domain

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

using admin_request_atom = caf::atom_constant<caf::atom("admreq")>;

/// What the admin service needs. The catalog must outlive it (main owns it).
struct admin_options {
  /// This node's name (subject token): it serves smith.admin.{node}.*.
  std::string node;
  /// The node's NATS connections; requests are received and answered on `rpc`. Required.
  std::shared_ptr<bridge::nats_link> link;
  /// The node's domain catalog (agent types, endpoints for `send`). Required.
  const domain::domain_catalog* catalog = nullptr;
  /// Domain management supplied by the node (see admin_hooks); empty members are fine.
  admin_hooks hooks;
  /// The node's event store, read by `events` for the history persisted before the live
  /// rings (supervisor decisions, lifecycle transitions); null = live history only.
  std::shared_ptr<const persistence::event_store> store;
  /// Longest wait for one answer of the registry, a supervisor or an agent.
  std::chrono::milliseconds query_timeout{2000};
  /// Most requests handled at once; more are answered UNAVAILABLE ("busy").
  uint32_t max_workers = 16;
  /// "host:port" of the node's HTTP endpoint (NodeInfo.http_address); empty = none.
  std::string http_address;
  /// When the node started (NodeInfo.started); the epoch = when the service starts.
  /// admin_child fixes it once, so a restarted service keeps the node's start time.
  std::chrono::system_clock::time_point started{};
};

/// The admin service (one per node, a child of the root supervisor). On start it
/// subscribes (no queue group) to `smith.admin.ping` and `smith.admin.{node}.*` on the rpc
/// connection and quits with the subscription error if one fails. Every request is decoded
/// (admin.proto, by verb), handled on a worker thread of its own (blocking calls to the
/// registry, supervisors and agents never run on the cooperative scheduler) and answered on
/// its reply subject with the verb's reply message (`Smith-Type` header) holding the result
/// or an Error. An unknown verb or a payload that does not parse is answered with
/// `smith.admin.v1.Error` (BAD_REQUEST); requests without a reply subject are logged at
/// debug and dropped (nobody to answer).
/// - admin_request(msg) is the service's own plumbing (its NATS callbacks).
using admin_actor = caf::typed_actor<caf::reacts_to<admin_request_atom, nats::inbound_msg>>;

/// Spawns the service. Errors (nothing spawned): caf::sec::invalid_argument naming the
/// problem: no link or catalog, a node name that is not a subject token.
/// `root` is the root supervisor (the tree verbs start there); it may be invalid (then
/// tree, inspect, events and control answer UNAVAILABLE).
caf::expected<admin_actor> spawn_admin(caf::actor_system& sys, admin_options opts,
                                       caf::actor root);

/// A permanent worker child spec ("admin") of the root supervisor that starts one; the
/// root is taken from the start context.
supervision::child_spec admin_child(admin_options opts);

} // namespace smith::actors
