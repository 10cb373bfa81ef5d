// The node's NATS services responder: answers $SRV.PING / INFO / STATS (ADR-32).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/bridge/service_endpoints.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::domain {
class domain_catalog;
} // namespace smith::domain

namespace smith::actors {

using srv_request_atom = caf::atom_constant<caf::atom("srvreq")>;
using service_id_atom = caf::atom_constant<caf::atom("srvid")>;

/// Service name every Smith node announces.
inline constexpr const char* service_name = "smith";

/// What a responder needs. The catalog must outlive it (main owns it).
struct service_options {
  /// This node's name (metadata "node"; the registry filter for local agents).
  std::string node;
  /// The node's NATS connections; the responder subscribes on `rpc`. Required.
  std::shared_ptr<bridge::nats_link> link;
  /// Agent types by domain: which endpoints an agent or pool has. Required.
  const domain::domain_catalog* catalog = nullptr;
  /// SemVer of the service; empty = this Smith build's version.
  std::string version;
  /// When the node started (STATS `started`); the epoch = when the responder starts.
  bridge::wall_time started{};
  /// Pools this node hosts (load-balanced endpoints).
  std::vector<service_pool> pools;
  /// Pools of plugin domains, read at every INFO and STATS (they come and go with
  /// load_domain / unload_domain); null = none. Called on the responder's thread; thread-safe.
  std::function<std::vector<service_pool>()> dynamic_pools;
  /// Service instance id (a subject token); empty = a fresh random one. service_child
  /// fixes it once, so a restarted responder keeps the node's id.
  std::string id;
  /// Longest wait for the registry or the bridge while building INFO / STATS.
  std::chrono::milliseconds query_timeout{2000};
};

/// The responder (one per node). On start it subscribes (no queue group: every node
/// answers) to `$SRV.{VERB}`, `$SRV.{VERB}.smith` and `$SRV.{VERB}.smith.{id}` and quits with the
/// subscription error if one fails. Each request is answered on its reply subject:
/// - PING: type, name "smith", id, version, metadata {"node"}.
/// - INFO: plus description and one endpoint per (local agent, action) and per (hosted pool,
///   action) (see describe_endpoints; pools and dynamic_pools as they are now); agents from
///   the registry (list, this node).
/// - STATS: plus started and per endpoint counts and times from the bridge's endpoint_stats
///   (zeros while no bridge runs).
/// When the registry (INFO, STATS) or the bridge (STATS) does not answer, the reply is an
/// ADR-32 error: empty body, headers Nats-Service-Error and Nats-Service-Error-Code (503);
/// a reply too large to publish is answered with code 500. Requests without a reply subject
/// are logged at debug and ignored (nobody to answer).
/// - service_id -> the service instance id.
/// - srv_request(verb, reply) is the responder's own plumbing (its NATS callbacks).
using service_responder_actor
  = caf::typed_actor<caf::replies_to<service_id_atom>::with<std::string>,
                     caf::reacts_to<srv_request_atom, uint8_t, std::string>>;

/// Spawns a responder. Errors (nothing spawned): caf::sec::invalid_argument naming the
/// problem: no link or catalog, a node or id that is not a subject token, a version that
/// is not SemVer.
caf::expected<service_responder_actor> spawn_service_responder(caf::actor_system& sys,
                                                               service_options opts);

/// A permanent worker child spec ("services") that starts one, with the id fixed now.
supervision::child_spec service_child(service_options opts);

} // namespace smith::actors
