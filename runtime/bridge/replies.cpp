// Replies on the wire.
#include "runtime/bridge/replies.hpp"

#include <climits>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "runtime/bridge/wire.hpp"

namespace smith::bridge {

namespace {

/// Per-thread scratch space of one reply (replies are published from agents' and NATS
/// delivery threads, often one per request).
struct reply_scratch {
  std::string body;
  std::string type;
  std::string msg_id;
  std::string trace;
};

} // namespace

caf::error publish_reply(nats::connection& conn, std::string_view reply,
                         const google::protobuf::Message& msg, std::string_view msg_id,
                         std::string_view traceparent, size_t max_payload) {
  thread_local reply_scratch b;
  if (!msg.SerializeToString(&b.body)) // clears, keeps the capacity
    return publish_error(conn, reply, caf::make_error(wire_code::internal, "reply did not serialize"),
                         msg_id);
  if (b.body.size() > max_payload) {
    auto err = caf::make_error(wire_code::payload_too_large,
                          "reply of " + std::to_string(b.body.size()) + " bytes exceeds "
                            + std::to_string(max_payload));
    publish_error(conn, reply, err, msg_id);
    return err;
  }
  // The headers of reply_headers(): Smith-Type, then msg id and traceparent unless empty.
  b.type.assign(msg.GetDescriptor()->full_name());
  b.msg_id.assign(msg_id);
  b.trace.assign(traceparent);
  nats::connection::header_field fields[3];
  size_t n = 0;
  fields[n++] = {header::type.data(), b.type.c_str()};
  if (!b.msg_id.empty())
    fields[n++] = {header::msg_id.data(), b.msg_id.c_str()};
  if (!b.trace.empty())
    fields[n++] = {header::traceparent.data(), b.trace.c_str()};
  return conn.publish_fields(reply, {}, fields, n, b.body);
}

caf::error publish_error(nats::connection& conn, std::string_view reply, const caf::error& err,
                         std::string_view msg_id) {
  auto wm = encode_error(code_of(err), error_text(err), msg_id);
  return conn.publish(reply, {}, wm.headers, wm.body);
}

caf::error as_wire_error(const caf::error& err) {
  auto code = code_of(err);
  if (err.category() == caf::atom("smith_wire"))
    return err;
  return caf::make_error(code == wire_code::none ? wire_code::internal : code, error_text(err));
}

caf::expected<wire_payload> decode_reply_view(const nats::inbound_view& m) {
  if (m.no_responders)
    return caf::make_error(wire_code::unavailable, "no responders on " + std::string{m.subject});
  static const nats::header_refs no_headers;
  auto& hs = m.headers != nullptr ? *m.headers : no_headers;
  if (auto err = decode_error_refs(hs, m.data))
    return std::move(*err);
  auto type = nats::find_header(hs, header::type);
  if (!type)
    return caf::make_error(wire_code::unknown_type, "reply without Smith-Type");
  auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
    std::string{*type});
  if (!desc)
    return caf::make_error(wire_code::unknown_type, "reply of unknown type " + quote(*type));
  auto* proto = google::protobuf::MessageFactory::generated_factory()->GetPrototype(desc);
  std::shared_ptr<google::protobuf::Message> msg{proto->New()};
  if (m.data.size() > static_cast<size_t>(INT_MAX)
      || !msg->ParseFromArray(m.data.data(), static_cast<int>(m.data.size())))
    return caf::make_error(wire_code::bad_request, "reply does not parse as " + std::string{*type});
  return wire_payload{std::move(msg)};
}

caf::expected<wire_payload> decode_reply(const nats::inbound_msg& m) {
  nats::header_refs refs;
  refs.reserve(m.headers.size());
  for (auto& [k, v] : m.headers)
    refs.emplace_back(k, v);
  nats::inbound_view view{m.subject, m.reply, &refs, m.data, m.no_responders};
  return decode_reply_view(view);
}

} // namespace smith::bridge
