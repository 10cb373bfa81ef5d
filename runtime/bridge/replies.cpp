// Replies on the wire.
#include "runtime/bridge/replies.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "runtime/bridge/wire.hpp"

namespace smith::bridge {

caf::error publish_reply(nats::connection& conn, std::string_view reply,
                         const google::protobuf::Message& msg, std::string_view msg_id,
                         std::string_view traceparent, size_t max_payload) {
  std::string body;
  if (!msg.SerializeToString(&body))
    return publish_error(conn, reply, caf::make_error(wire_code::internal, "reply did not serialize"),
                         msg_id);
  if (body.size() > max_payload) {
    auto err = caf::make_error(wire_code::payload_too_large,
                          "reply of " + std::to_string(body.size()) + " bytes exceeds "
                            + std::to_string(max_payload));
    publish_error(conn, reply, err, msg_id);
    return err;
  }
  return conn.publish(reply, {}, reply_headers(msg.GetTypeName(), msg_id, traceparent), body);
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

caf::expected<wire_payload> decode_reply(const nats::inbound_msg& m) {
  if (m.no_responders)
    return caf::make_error(wire_code::unavailable, "no responders on " + m.subject);
  if (auto err = decode_error(m.headers, m.data))
    return std::move(*err);
  auto type = nats::find_header(m.headers, header::type);
  if (!type)
    return caf::make_error(wire_code::unknown_type, "reply without Smith-Type");
  auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(*type);
  if (!desc)
    return caf::make_error(wire_code::unknown_type, "reply of unknown type " + quote(*type));
  auto* proto = google::protobuf::MessageFactory::generated_factory()->GetPrototype(desc);
  std::shared_ptr<google::protobuf::Message> msg{proto->New()};
  if (!msg->ParseFromString(m.data))
    return caf::make_error(wire_code::bad_request, "reply does not parse as " + *type);
  return wire_payload{std::move(msg)};
}

} // namespace smith::bridge
