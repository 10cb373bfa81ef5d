// Cluster messages (bridge.proto) to and from NATS messages: subjects, headers, checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "actors/cluster/cluster_api.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/nats/inbound_msg.hpp"
#include "smith/bridge/v1/bridge.pb.h"

namespace smith::cluster {

// Decoders check, in order: the subject is the expected cluster channel, `Smith-Type`
// names the expected message, the body parses, and the body's node equals the subject's
// last token. Each failure is a wire_code::bad_request error naming the subject and the
// problem. Encoders fail only for a node name that is not a subject token.

/// A message ready for nats::connection::publish.
struct outbound {
  std::string subject;
  nats::header_list headers;
  std::string body;
};

/// What a heartbeat says besides the digest.
struct heartbeat_fields {
  std::string node;
  std::string instance;
  uint64_t beat = 0;
  std::chrono::milliseconds heartbeat_interval{0};
  std::chrono::milliseconds down_after{0};
  std::string version;
  std::vector<std::string> domains;
};

/// A received heartbeat: its fields, and its anti-entropy part for the replicator.
struct received_heartbeat {
  heartbeat_fields fields;
  peer_beat beat;
};

/// NodeHeartbeat on `smith.cluster.hb.{node}`; without digest and sequence when `ls` is null.
caf::expected<outbound> encode_heartbeat(const heartbeat_fields& f, const local_state* ls);
/// Also requires a non-empty instance.
caf::expected<received_heartbeat> decode_heartbeat(const nats::inbound_msg& m);

/// NodeLeave on `smith.cluster.leave.{node}`.
caf::expected<outbound> encode_leave(const std::string& node, const std::string& instance);
/// (node, instance).
caf::expected<std::pair<std::string, std::string>> decode_leave(const nats::inbound_msg& m);

/// RegistryChange on `smith.registry.events.{change.node()}`.
caf::expected<outbound> encode_change(const bridge::v1::RegistryChange& change);
/// Also requires a non-empty node_instance, a sequence >= 1, a known kind and a record.
caf::expected<bridge::v1::RegistryChange> decode_change(const nats::inbound_msg& m);

/// A SyncRequest to `smith.registry.sync.{peer}` (publish it with a reply subject), with a
/// Smith-Deadline `timeout` from now.
caf::expected<outbound> encode_sync_request(const std::string& peer, const std::string& requester,
                                            std::chrono::milliseconds timeout);
/// Checks a SyncRequest (type header and body) arriving on our sync subject.
caf::error check_sync_request(const nats::inbound_msg& m);
/// A SyncResponse (or, for an error reply, that error) received on our inbox; the body's
/// node must be `peer`.
caf::expected<bridge::v1::SyncResponse> decode_sync_response(const nats::inbound_msg& m,
                                                             const std::string& peer);

/// A received BarrierRequest, with its absolute deadline and reply subject.
struct barrier_request {
  bridge::v1::BarrierRequest body;
  bridge::wall_time deadline{};
  std::string reply;
  std::string msg_id;
};

/// A BarrierRequest to `smith.registry.sync.{peer}` (publish it with a reply subject): "apply
/// changes of `node` (stream `instance`) up to `sequence`", Smith-Deadline `timeout` from now.
caf::expected<outbound> encode_barrier_request(const std::string& peer, const std::string& node,
                                               const std::string& instance, uint64_t sequence,
                                               std::chrono::milliseconds timeout);
/// Checks a BarrierRequest on our sync subject: type, body, a non-empty node and instance, a
/// reply subject and a valid Smith-Deadline.
caf::expected<barrier_request> decode_barrier_request(const nats::inbound_msg& m);
/// A BarrierResponse (or, for an error or no-responders reply, that error) received on our
/// inbox; the body's node must be `peer`.
caf::expected<bridge::v1::BarrierResponse> decode_barrier_response(const nats::inbound_msg& m,
                                                                   const std::string& peer);
/// Whether `m` (on a sync subject) claims to be a BarrierRequest (by Smith-Type).
bool is_barrier_request(const nats::inbound_msg& m);

/// Full protobuf names, for Smith-Type.
inline constexpr const char* heartbeat_type = "smith.bridge.v1.NodeHeartbeat";
inline constexpr const char* leave_type = "smith.bridge.v1.NodeLeave";
inline constexpr const char* change_type = "smith.bridge.v1.RegistryChange";
inline constexpr const char* sync_request_type = "smith.bridge.v1.SyncRequest";
inline constexpr const char* sync_response_type = "smith.bridge.v1.SyncResponse";
inline constexpr const char* barrier_request_type = "smith.bridge.v1.BarrierRequest";
inline constexpr const char* barrier_response_type = "smith.bridge.v1.BarrierResponse";

/// Native <-> wire digests.
bridge::v1::RegistryDigest to_proto(const registry::registry_digest& d);
registry::registry_digest from_proto(const bridge::v1::RegistryDigest& d);

} // namespace smith::cluster
