// Admin verb `send`: JSON -> the action's protobuf request, through the bridge, reply -> JSON.
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <atomic>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/admin/admin_worker.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/log/trace_context.hpp"
#include "runtime/nats/connection.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;
namespace pb = google::protobuf;

namespace {

std::unique_ptr<pb::Message> new_message(const pb::Descriptor* desc) {
  auto* proto = pb::MessageFactory::generated_factory()->GetPrototype(desc);
  return std::unique_ptr<pb::Message>{proto ? proto->New() : nullptr};
}

/// The cluster-wide record of `ref` (any node), or an error text.
caf::expected<registry::agent_record> find_agent(caf::blocking_actor* self,
                                                 const admin_context& ctx,
                                                 const v1::AgentRef& ref) {
  auto reg = caf::actor_cast<caf::actor>(self->system().registry().get(registry::registry_name));
  registry::record_filter f;
  f.domain = ref.domain();
  auto rs = ask<std::vector<registry::agent_record>>(self, reg, ctx.opts.query_timeout,
                                                     registry::list_atom::value, f);
  if (!rs)
    return std::move(rs.error());
  const registry::agent_record* hit = nullptr;
  for (auto& r : *rs) {
    if (r.id.name != ref.name())
      continue;
    if (hit != nullptr && hit->id.domain != r.id.domain)
      return caf::make_error(caf::sec::invalid_argument,
                             "agent name '" + ref.name()
                               + "' exists in several domains: give domain/name");
    hit = &r;
  }
  if (hit == nullptr)
    return caf::make_error(registry::registry_errc::unknown_agent,
                           "no agent '" + ref.name() + "' in the cluster");
  return *hit;
}

/// The request type of `action` for the agent's type, or a text why not.
const pb::Descriptor* request_type(const admin_context& ctx, const registry::agent_record& r,
                                   const std::string& action, std::string& why) {
  auto* type = ctx.opts.catalog->find_agent(r.id.domain, r.agent_type, r.id.version);
  if (type == nullptr) {
    why = "node " + ctx.opts.node + " does not know agent type '" + r.agent_type
          + "' of domain '" + r.id.domain + "'";
    return nullptr;
  }
  auto* ep = type->endpoints ? type->endpoints->find(action) : nullptr;
  if (ep == nullptr) {
    std::string known;
    for (auto& e : type->endpoints ? type->endpoints->endpoints : std::vector<agent::endpoint>{})
      known += (known.empty() ? "" : ", ") + e.action;
    why = "agent type '" + r.agent_type + "' has no action '" + action + "' (known: "
          + (known.empty() ? "none" : known) + ")";
    return nullptr;
  }
  return ep->request_type;
}

v1::AdminErrorCode code_of_wire(const caf::error& err) {
  if (err == bridge::wire_code::unknown_agent)
    return v1::ADMIN_ERROR_CODE_NOT_FOUND;
  if (err == bridge::wire_code::bad_request || err == bridge::wire_code::unknown_action
      || err == bridge::wire_code::unknown_type)
    return v1::ADMIN_ERROR_CODE_BAD_REQUEST;
  if (err == bridge::wire_code::unavailable || err == bridge::wire_code::deadline_exceeded)
    return v1::ADMIN_ERROR_CODE_UNAVAILABLE;
  return v1::ADMIN_ERROR_CODE_REFUSED;
}

std::chrono::milliseconds timeout_of(const v1::SendRequest& req) {
  auto ms = req.timeout().seconds() * 1000 + req.timeout().nanos() / 1000000;
  return std::chrono::milliseconds{ms > 0 ? ms : 5000};
}

/// The trace a send continues: the request's traceparent, or a new trace when it has none or
/// a malformed one (logged once per process: smithctl is the only sender).
std::string send_trace(const admin_context& ctx, const v1::SendRequest& req) {
  if (req.traceparent().empty())
    return bridge::new_traceparent();
  if (bridge::valid_traceparent(req.traceparent()))
    return bridge::child_traceparent(req.traceparent());
  static std::atomic<bool> warned{false};
  if (!warned.exchange(true))
    spdlog::warn("admin {}: send with a malformed traceparent {}: started a new trace; further "
                 "ones are not logged",
                 ctx.opts.node, bridge::quote(req.traceparent()));
  return bridge::new_traceparent();
}

} // namespace

std::string render_json(const std::string& type, const std::string& bytes, std::string& error) {
  auto* desc = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  auto msg = desc ? new_message(desc) : nullptr;
  if (!msg || !msg->ParseFromString(bytes)) {
    error = "cannot decode a '" + type + "'";
    return {};
  }
  std::string out;
  pb::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  auto st = pb::util::MessageToJsonString(*msg, &out, opts);
  if (!st.ok())
    error = st.ToString();
  return out;
}

admin_reply do_send(caf::blocking_actor* self, const admin_context& ctx,
                    const v1::SendRequest& req) {
  auto rec = find_agent(self, ctx, req.agent());
  if (!rec)
    return fail<v1::SendReply>(self->system(), "send", rec.error());
  std::string why;
  auto* desc = request_type(ctx, *rec, req.action(), why);
  if (desc == nullptr)
    return fail<v1::SendReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST, "send: " + why);
  auto msg = new_message(desc);
  auto st = pb::util::JsonStringToMessage(req.json().empty() ? "{}" : req.json(), msg.get());
  if (!st.ok())
    return fail<v1::SendReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST,
                               "send: the JSON is not a " + desc->full_name() + ": "
                                 + st.ToString());
  auto subject = bridge::agent_subject(rec->id.domain, rec->id.name, req.action());
  if (!subject)
    return fail<v1::SendReply>(self->system(), "send", subject.error());
  auto timeout = timeout_of(req);
  auto tp = send_trace(ctx, req);
  log::trace_scope trace{tp};
  spdlog::debug("admin {}: send {} to {}/{}", ctx.opts.node, req.action(), rec->id.domain,
                rec->id.name);
  auto hs = bridge::request_headers(desc->full_name(), std::chrono::system_clock::now() + timeout,
                                    bridge::new_msg_id(), "smithctl/" + ctx.opts.node, tp);
  auto start = std::chrono::steady_clock::now();
  auto res = ctx.opts.link->rpc->request(*subject, hs, msg->SerializeAsString(), timeout);
  auto took = std::chrono::steady_clock::now() - start;
  if (!res || res->no_responders)
    spdlog::info("admin {}: send to {} failed: {}", ctx.opts.node, *subject,
                 res ? std::string{"no responders"} : text_of(self->system(), res.error()));
  if (!res)
    return fail<v1::SendReply>(v1::ADMIN_ERROR_CODE_UNAVAILABLE,
                               "send to " + *subject + ": " + text_of(self->system(), res.error()));
  if (res->no_responders)
    return fail<v1::SendReply>(v1::ADMIN_ERROR_CODE_UNAVAILABLE,
                               "send to " + *subject + ": no responders");
  if (auto err = bridge::decode_error(res->headers, res->data))
    return fail<v1::SendReply>(code_of_wire(*err),
                               "send to " + *subject + ": " + text_of(self->system(), *err));
  auto* type = nats::find_header(res->headers, bridge::header::type);
  v1::SendReply reply;
  auto* out = reply.mutable_result();
  out->set_reply_type(type ? *type : "");
  std::string error;
  out->set_reply_json(type ? render_json(*type, res->data, error) : "");
  if (!error.empty())
    return fail<v1::SendReply>(v1::ADMIN_ERROR_CODE_INTERNAL, "send: reply: " + error);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(took).count();
  out->mutable_latency()->set_seconds(ns / 1000000000);
  out->mutable_latency()->set_nanos(static_cast<int32_t>(ns % 1000000000));
  out->set_trace_id(std::string{log::current_trace_id()});
  return pack(reply);
}

} // namespace smith::actors::admin_impl
