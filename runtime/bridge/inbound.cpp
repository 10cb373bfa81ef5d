// The wire rules every inbound agent message passes before it reaches an agent.
#include "runtime/bridge/inbound.hpp"

#include <climits>
#include <exception>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>

namespace smith::bridge {

namespace {

namespace pb = google::protobuf;

/// Whether `d` has a field of message type (only those can hold nested unknown fields).
bool has_message_fields(const pb::Descriptor* d) {
  for (int i = 0; i < d->field_count(); ++i)
    if (d->field(i)->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE)
      return true;
  return false;
}

/// Names the first field `msg` (or a message inside it) does not define, or nullopt.
std::optional<std::string> first_unknown_field(const pb::Message& msg, const std::string& path) {
  auto* refl = msg.GetReflection();
  auto& unknown = refl->GetUnknownFields(msg);
  if (!unknown.empty())
    return "field number " + std::to_string(unknown.field(0).number()) + " in " + path + " ("
           + msg.GetDescriptor()->full_name() + ")";
  if (!has_message_fields(msg.GetDescriptor()))
    return std::nullopt; // nothing nested to look into (and no field list to build)
  std::vector<const pb::FieldDescriptor*> fields;
  refl->ListFields(msg, &fields);
  for (auto* f : fields) {
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE)
      continue;
    if (!f->is_repeated()) {
      if (auto hit = first_unknown_field(refl->GetMessage(msg, f), path + "." + f->name()))
        return hit;
      continue;
    }
    for (int i = 0, n = refl->FieldSize(msg, f); i < n; ++i)
      if (auto hit = first_unknown_field(refl->GetRepeatedMessage(msg, f, i),
                                         path + "." + f->name() + "[" + std::to_string(i) + "]"))
        return hit;
  }
  return std::nullopt;
}

caf::error fail(wire_code code, std::string text) {
  return caf::make_error(code, std::move(text));
}

/// The generated type named `name`, or nullptr. Descriptors of the generated pool live as
/// long as the process, so each thread remembers its last hit (messages of a stream
/// usually share a type) and skips the pool's locked lookup.
const pb::Descriptor* find_type(std::string_view name) {
  thread_local std::string last_name;
  thread_local const pb::Descriptor* last = nullptr;
  if (last != nullptr && name == last_name)
    return last;
  auto* found = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string{name});
  if (found != nullptr) {
    last_name.assign(name);
    last = found;
  }
  return found;
}

/// Step 6 and the other ids: fills msg_id, sender and traceparent.
std::optional<caf::error> check_ids(inbound_request& req, const nats::header_refs& hs) {
  auto* id = nats::find_header(hs, header::msg_id);
  if (id != nullptr && !id->empty() && !valid_msg_id(*id))
    return fail(wire_code::bad_request, "Smith-Msg-Id " + quote(*id)
                                          + " is not 1..128 printable ASCII bytes without spaces");
  if (id != nullptr && !id->empty())
    req.msg_id.assign(*id);
  else
    req.msg_id = new_msg_id();
  if (auto* s = nats::find_header(hs, header::sender))
    req.sender.assign(*s);
  auto* tp = nats::find_header(hs, header::traceparent);
  req.trace_replaced = tp != nullptr && !valid_traceparent(*tp);
  if (tp != nullptr && !req.trace_replaced)
    req.traceparent.assign(*tp);
  else
    req.traceparent = new_traceparent();
  return std::nullopt;
}

/// Steps 3..6: the headers. Fills type, deadline, msg_id, sender, traceparent.
std::optional<caf::error> check_headers(inbound_request& req, const nats::header_refs& hs,
                                        wall_time now) {
  auto* type = nats::find_header(hs, header::type);
  if (type == nullptr || type->empty())
    return fail(wire_code::unknown_type, "header Smith-Type is missing");
  req.type = find_type(*type);
  if (req.type == nullptr)
    return fail(wire_code::unknown_type,
                "Smith-Type " + quote(*type) + " is not a message type known to this node");
  auto* dl = nats::find_header(hs, header::deadline);
  if (dl != nullptr) {
    req.deadline = decode_deadline(*dl);
    if (!req.deadline)
      return fail(wire_code::missing_deadline,
                  "Smith-Deadline " + quote(*dl) + " is not decimal Unix epoch milliseconds");
  } else if (!req.reply.empty()) {
    return fail(wire_code::missing_deadline,
                "request (reply subject " + quote(req.reply) + ") has no Smith-Deadline");
  }
  if (req.deadline && *req.deadline <= now)
    return fail(wire_code::deadline_exceeded,
                "Smith-Deadline " + std::string{*dl} + " passed " + std::to_string(
                  std::chrono::duration_cast<std::chrono::milliseconds>(now - *req.deadline)
                    .count())
                  + " ms before arrival");
  return check_ids(req, hs);
}

/// Step 7: the payload.
std::optional<caf::error> parse_payload(inbound_request& req, std::string_view data) {
  auto* proto = pb::MessageFactory::generated_factory()->GetPrototype(req.type);
  if (proto == nullptr)
    return fail(wire_code::unknown_type, "no generated class for " + req.type->full_name());
  req.payload.reset(proto->New());
  // Hostile payloads would otherwise make protobuf log (UTF-8, required fields) per message.
  pb::LogSilencer quiet;
  if (!req.payload->ParseFromArray(data.data(), static_cast<int>(data.size())))
    return fail(wire_code::bad_request,
                "payload (" + std::to_string(data.size()) + " bytes) is not a valid "
                  + req.type->full_name()
                  + " (malformed wire format, invalid UTF-8 in a string, or missing required field)");
  if (auto where = first_unknown_field(*req.payload, "payload"))
    return fail(wire_code::bad_request, "payload has " + *where + ", which "
                                          + req.type->full_name() + " does not define");
  return std::nullopt;
}

caf::expected<inbound_request> validate(std::string_view subject, std::string_view reply,
                                        const nats::header_refs& headers, std::string_view data,
                                        const inbound_limits& limits, wall_time now) {
  inbound_request req;
  auto target = parse_agent_subject(subject);
  if (!target)
    return std::move(target.error());
  req.target = std::move(*target);
  req.reply = reply;
  if (data.size() > limits.max_payload || data.size() > static_cast<size_t>(INT_MAX))
    return fail(wire_code::payload_too_large,
                "payload of " + std::to_string(data.size()) + " bytes exceeds the limit of "
                  + std::to_string(std::min(limits.max_payload, static_cast<size_t>(INT_MAX))));
  if (auto err = check_headers(req, headers, now))
    return std::move(*err);
  if (auto err = parse_payload(req, data))
    return std::move(*err);
  return req;
}

} // namespace

namespace {

caf::expected<inbound_request> validate_refs(std::string_view subject, std::string_view reply,
                                             const nats::header_refs& headers,
                                             std::string_view data, const inbound_limits& limits,
                                             wall_time now) {
  try {
    return validate(subject, reply, headers, data, limits, now);
  } catch (const std::exception& e) {
    return fail(wire_code::internal, std::string{"validating inbound message failed: "} + e.what());
  } catch (...) {
    return fail(wire_code::internal, "validating inbound message failed: unknown exception");
  }
}

} // namespace

caf::expected<inbound_request> validate_inbound_view(const nats::inbound_view& m,
                                                     const inbound_limits& limits, wall_time now) {
  static const nats::header_refs no_headers;
  return validate_refs(m.subject, m.reply, m.headers != nullptr ? *m.headers : no_headers, m.data,
                       limits, now);
}

caf::expected<inbound_request> validate_inbound(std::string_view subject,
                                                std::string_view reply,
                                                const nats::header_list& headers,
                                                std::string_view data,
                                                const inbound_limits& limits, wall_time now) {
  nats::header_refs refs;
  refs.reserve(headers.size());
  for (auto& [k, v] : headers)
    refs.emplace_back(k, v);
  return validate_refs(subject, reply, refs, data, limits, now);
}

} // namespace smith::bridge
