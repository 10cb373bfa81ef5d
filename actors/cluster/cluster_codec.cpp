// Encoding and checking of the cluster's NATS messages.
#include "actors/cluster/cluster_codec.hpp"

#include <algorithm>

#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/bridge/wire_code.hpp"

namespace smith::cluster {

namespace {

caf::error bad(const std::string& subject, const std::string& what) {
  return caf::make_error(bridge::wire_code::bad_request,
                         "cluster message on " + bridge::quote(subject) + ": " + what);
}

outbound make(std::string subject, const char* type, const std::string& sender,
              const google::protobuf::MessageLite& body) {
  return {std::move(subject), bridge::request_headers(type, std::nullopt, "", sender, ""),
          body.SerializeAsString()};
}

/// Checks channel and type and parses the body; returns the subject's node.
caf::expected<std::string> open(const nats::inbound_msg& m, bridge::node_channel channel,
                                const char* type, google::protobuf::MessageLite& body) {
  auto parsed = bridge::parse_node_subject(m.subject);
  if (!parsed || parsed->channel != channel)
    return bad(m.subject, "not a subject of this channel");
  auto* t = nats::find_header(m.headers, bridge::header::type);
  if (t == nullptr || *t != type)
    return bad(m.subject, std::string{"Smith-Type is "} + (t ? bridge::quote(*t) : "missing")
                            + ", expected " + type);
  if (!body.ParseFromString(m.data))
    return bad(m.subject, std::string{"body does not parse as "} + type);
  return std::move(parsed->node);
}

caf::error node_mismatch(const nats::inbound_msg& m, const std::string& body_node) {
  return bad(m.subject, "body names node " + bridge::quote(body_node));
}

} // namespace

bridge::v1::RegistryDigest to_proto(const registry::registry_digest& d) {
  bridge::v1::RegistryDigest out;
  out.set_count(d.count);
  out.set_hash(d.hash);
  return out;
}

registry::registry_digest from_proto(const bridge::v1::RegistryDigest& d) {
  return {d.count(), d.hash()};
}

caf::expected<outbound> encode_heartbeat(const heartbeat_fields& f, const local_state* ls) {
  auto subject = bridge::heartbeat_subject(f.node);
  if (!subject)
    return std::move(subject.error());
  bridge::v1::NodeHeartbeat hb;
  hb.set_node(f.node);
  hb.set_instance(f.instance);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  hb.mutable_sent_at()->set_seconds(ns / 1'000'000'000);
  hb.mutable_sent_at()->set_nanos(static_cast<int32_t>(ns % 1'000'000'000));
  hb.set_beat(f.beat);
  hb.set_heartbeat_interval_ms(static_cast<uint32_t>(f.heartbeat_interval.count()));
  hb.set_down_after_ms(static_cast<uint32_t>(f.down_after.count()));
  if (ls != nullptr) {
    *hb.mutable_digest() = to_proto(ls->digest);
    hb.set_last_change_sequence(ls->sequence);
  }
  hb.set_version(f.version);
  auto domains = f.domains;
  std::sort(domains.begin(), domains.end());
  for (auto& d : domains)
    hb.add_domains(d);
  return make(std::move(*subject), heartbeat_type, f.node, hb);
}

caf::expected<received_heartbeat> decode_heartbeat(const nats::inbound_msg& m) {
  bridge::v1::NodeHeartbeat hb;
  auto node = open(m, bridge::node_channel::heartbeat, heartbeat_type, hb);
  if (!node)
    return std::move(node.error());
  if (hb.node() != *node)
    return node_mismatch(m, hb.node());
  if (hb.instance().empty())
    return bad(m.subject, "instance is empty");
  received_heartbeat out;
  auto& f = out.fields;
  f.node = hb.node();
  f.instance = hb.instance();
  f.beat = hb.beat();
  f.heartbeat_interval = std::chrono::milliseconds{hb.heartbeat_interval_ms()};
  f.down_after = std::chrono::milliseconds{hb.down_after_ms()};
  f.version = hb.version();
  f.domains.assign(hb.domains().begin(), hb.domains().end());
  out.beat = {hb.node(), hb.has_digest(), from_proto(hb.digest()), hb.last_change_sequence()};
  return out;
}

caf::expected<outbound> encode_leave(const std::string& node, const std::string& instance) {
  auto subject = bridge::leave_subject(node);
  if (!subject)
    return std::move(subject.error());
  bridge::v1::NodeLeave leave;
  leave.set_node(node);
  leave.set_instance(instance);
  return make(std::move(*subject), leave_type, node, leave);
}

caf::expected<std::pair<std::string, std::string>> decode_leave(const nats::inbound_msg& m) {
  bridge::v1::NodeLeave leave;
  auto node = open(m, bridge::node_channel::leave, leave_type, leave);
  if (!node)
    return std::move(node.error());
  if (leave.node() != *node)
    return node_mismatch(m, leave.node());
  return std::make_pair(leave.node(), leave.instance());
}

caf::expected<outbound> encode_change(const bridge::v1::RegistryChange& change) {
  auto subject = bridge::registry_events_subject(change.node());
  if (!subject)
    return std::move(subject.error());
  return make(std::move(*subject), change_type, change.node(), change);
}

caf::expected<bridge::v1::RegistryChange> decode_change(const nats::inbound_msg& m) {
  bridge::v1::RegistryChange ch;
  auto node = open(m, bridge::node_channel::registry_events, change_type, ch);
  if (!node)
    return std::move(node.error());
  if (ch.node() != *node)
    return node_mismatch(m, ch.node());
  if (ch.node_instance().empty() || ch.sequence() == 0)
    return bad(m.subject, "node_instance empty or sequence 0");
  if (ch.kind() < bridge::v1::RegistryChange::KIND_REGISTERED
      || ch.kind() > bridge::v1::RegistryChange::KIND_UPDATED)
    return bad(m.subject, "kind " + std::to_string(ch.kind()) + " is unknown");
  if (!ch.has_record())
    return bad(m.subject, "record missing");
  return ch;
}

caf::expected<outbound> encode_sync_request(const std::string& peer, const std::string& requester,
                                            std::chrono::milliseconds timeout) {
  auto subject = bridge::registry_sync_subject(peer);
  if (!subject)
    return std::move(subject.error());
  bridge::v1::SyncRequest req;
  req.set_requester(requester);
  auto deadline = std::chrono::system_clock::now() + timeout;
  return outbound{std::move(*subject),
                  bridge::request_headers(sync_request_type, deadline, bridge::new_msg_id(),
                                          requester, ""),
                  req.SerializeAsString()};
}

caf::error check_sync_request(const nats::inbound_msg& m) {
  bridge::v1::SyncRequest req;
  auto node = open(m, bridge::node_channel::registry_sync, sync_request_type, req);
  if (!node)
    return std::move(node.error());
  if (m.reply.empty())
    return bad(m.subject, "no reply subject");
  return {};
}

caf::expected<bridge::v1::SyncResponse> decode_sync_response(const nats::inbound_msg& m,
                                                             const std::string& peer) {
  if (m.no_responders)
    return caf::make_error(bridge::wire_code::unavailable,
                           "sync with node " + peer + ": no responders");
  if (auto err = bridge::decode_error(m.headers, m.data))
    return std::move(*err);
  auto* t = nats::find_header(m.headers, bridge::header::type);
  if (t == nullptr || *t != sync_response_type)
    return bad(m.subject, "reply to a sync with " + peer + " is not a SyncResponse");
  bridge::v1::SyncResponse resp;
  if (!resp.ParseFromString(m.data))
    return bad(m.subject, "SyncResponse of " + peer + " does not parse");
  if (resp.node() != peer)
    return bad(m.subject, "SyncResponse names node " + bridge::quote(resp.node())
                            + " instead of " + peer);
  return resp;
}

caf::expected<outbound> encode_barrier_request(const std::string& peer, const std::string& node,
                                               const std::string& instance, uint64_t sequence,
                                               std::chrono::milliseconds timeout) {
  auto subject = bridge::registry_sync_subject(peer);
  if (!subject)
    return std::move(subject.error());
  bridge::v1::BarrierRequest req;
  req.set_node(node);
  req.set_node_instance(instance);
  req.set_sequence(sequence);
  auto deadline = std::chrono::system_clock::now() + timeout;
  return outbound{std::move(*subject),
                  bridge::request_headers(barrier_request_type, deadline, bridge::new_msg_id(),
                                          node, ""),
                  req.SerializeAsString()};
}

bool is_barrier_request(const nats::inbound_msg& m) {
  auto* t = nats::find_header(m.headers, bridge::header::type);
  return t != nullptr && *t == barrier_request_type;
}

caf::expected<barrier_request> decode_barrier_request(const nats::inbound_msg& m) {
  barrier_request out;
  auto node = open(m, bridge::node_channel::registry_sync, barrier_request_type, out.body);
  if (!node)
    return std::move(node.error());
  if (m.reply.empty())
    return bad(m.subject, "no reply subject");
  if (out.body.node().empty() || out.body.node_instance().empty())
    return bad(m.subject, "BarrierRequest without node or node_instance");
  auto* d = nats::find_header(m.headers, bridge::header::deadline);
  auto deadline = d ? bridge::decode_deadline(*d) : std::nullopt;
  if (!deadline)
    return bad(m.subject, "BarrierRequest without a valid Smith-Deadline");
  out.deadline = *deadline;
  out.reply = m.reply;
  if (auto* id = nats::find_header(m.headers, bridge::header::msg_id))
    out.msg_id = *id;
  return out;
}

caf::expected<bridge::v1::BarrierResponse> decode_barrier_response(const nats::inbound_msg& m,
                                                                   const std::string& peer) {
  if (m.no_responders)
    return caf::make_error(bridge::wire_code::unavailable, "node " + peer + ": no responders");
  if (auto err = bridge::decode_error(m.headers, m.data))
    return std::move(*err);
  auto* t = nats::find_header(m.headers, bridge::header::type);
  bridge::v1::BarrierResponse resp;
  if (t == nullptr || *t != barrier_response_type || !resp.ParseFromString(m.data))
    return bad(m.subject, "reply of " + peer + " to a barrier is not a BarrierResponse");
  if (resp.node() != peer)
    return bad(m.subject, "BarrierResponse names node " + bridge::quote(resp.node())
                            + " instead of " + peer);
  return resp;
}

} // namespace smith::cluster
