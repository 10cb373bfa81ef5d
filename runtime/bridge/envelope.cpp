// Request envelopes encoded into per-thread buffers.
#include "runtime/bridge/envelope.hpp"

#include <array>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace smith::bridge {

namespace {

/// The per-thread scratch space of one envelope. The generated headers have fixed sizes
/// and live in arrays: a publish then allocates nothing here.
struct scratch {
  std::string body;
  std::string type;
  const google::protobuf::Descriptor* type_of = nullptr;
  std::array<char, deadline_max_size + 1> deadline{};
  std::array<char, msg_id_size + 1> msg_id{};
  std::string sender;
  std::array<char, traceparent_size + 1> trace{};
};

scratch& buffers() {
  thread_local scratch s;
  return s;
}

caf::error unavailable(std::string_view subject, const caf::error& err) {
  std::string text = "publish to ";
  text.append(subject).append(" failed: ").append(caf::to_string(err));
  return caf::make_error(wire_code::unavailable, std::move(text));
}

} // namespace

caf::error publish_request(nats::connection& conn, std::string_view subject,
                           std::string_view reply, const google::protobuf::Message& msg,
                           const request_meta& meta, size_t max_payload) {
  auto& b = buffers();
  if (!msg.SerializeToString(&b.body)) // clears, keeps the capacity
    return caf::make_error(wire_code::bad_request, "payload did not serialize");
  if (b.body.size() > max_payload)
    return caf::make_error(wire_code::payload_too_large,
                           std::to_string(b.body.size()) + " bytes exceed the limit of "
                             + std::to_string(max_payload));
  if (auto* d = msg.GetDescriptor(); b.type_of != d) { // a burst usually sends one type
    b.type.assign(d->full_name());
    b.type_of = d;
  }
  *write_deadline(meta.deadline, b.deadline.data()) = '\0';
  write_msg_id(b.msg_id.data());
  b.sender.assign(meta.sender);
  write_traceparent(meta.parent_trace, b.trace.data());
  nats::connection::header_field fields[5];
  size_t n = 0;
  fields[n++] = {header::type.data(), b.type.c_str()};
  fields[n++] = {header::deadline.data(), b.deadline.data()};
  fields[n++] = {header::msg_id.data(), b.msg_id.data()};
  if (!b.sender.empty())
    fields[n++] = {header::sender.data(), b.sender.c_str()};
  fields[n++] = {header::traceparent.data(), b.trace.data()};
  if (auto err = conn.publish_fields(subject, reply, fields, n, b.body))
    return unavailable(subject, err);
  return {};
}

} // namespace smith::bridge
