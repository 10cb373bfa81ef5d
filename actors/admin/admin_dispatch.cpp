// Decoding of admin requests by verb, and the error mapping shared by the verbs.
#include <caf/all.hpp>

#include "actors/admin/admin_worker.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/supervision/supervision_errc.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;

namespace {

/// Parses `payload` as Req and runs `fn`, or answers Reply with BAD_REQUEST.
template <class Req, class Reply, class Fn>
admin_reply with(const std::string& payload, Fn fn) {
  Req req;
  if (!req.ParseFromString(payload))
    return fail<Reply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST,
                       "admin: the payload does not parse as " + Req::descriptor()->full_name());
  return fn(req);
}

} // namespace

admin::v1::AdminErrorCode code_of(const caf::error& err) {
  if (err == registry::registry_errc::unknown_agent || err == registry::registry_errc::no_candidate
      || err == supervision::supervision_errc::not_found
      || err == persistence::persistence_errc::unknown_checkpoint)
    return v1::ADMIN_ERROR_CODE_NOT_FOUND;
  if (err == caf::sec::request_timeout || err == caf::sec::request_receiver_down)
    return v1::ADMIN_ERROR_CODE_UNAVAILABLE;
  if (err == registry::registry_errc::invalid_range || err == registry::registry_errc::invalid_name)
    return v1::ADMIN_ERROR_CODE_BAD_REQUEST;
  return v1::ADMIN_ERROR_CODE_REFUSED;
}

std::string text_of(caf::actor_system& sys, const caf::error& err) {
  return supervision::describe_reason(sys, err);
}

admin_reply handle_admin(caf::blocking_actor* self, const admin_context& ctx,
                         bridge::admin_verb verb, const std::string& payload) {
  using bridge::admin_verb;
  auto s = self;
  auto& c = ctx;
  switch (verb) {
    case admin_verb::info:
      return do_info(self, ctx);
    case admin_verb::tree:
      return do_tree(self, ctx);
    case admin_verb::agents:
      return with<v1::AgentsRequest, v1::AgentsReply>(payload, [&](auto& r) { return do_agents(s, c, r); });
    case admin_verb::find:
      return with<v1::FindRequest, v1::AgentsReply>(payload, [&](auto& r) { return do_find(s, c, r); });
    case admin_verb::inspect:
      return with<v1::InspectRequest, v1::InspectReply>(payload, [&](auto& r) { return do_inspect(s, c, r); });
    case admin_verb::send:
      return with<v1::SendRequest, v1::SendReply>(payload, [&](auto& r) { return do_send(s, c, r); });
    case admin_verb::events:
      return with<v1::EventsRequest, v1::EventsReply>(payload, [&](auto& r) { return do_events(s, c, r); });
    case admin_verb::control:
      return with<v1::ControlRequest, v1::ControlReply>(payload, [&](auto& r) { return do_control(s, c, r); });
    case admin_verb::memory:
      return with<v1::MemoryRequest, v1::MemoryReply>(payload, [&](auto& r) { return do_memory(s, c, r); });
    case admin_verb::domains:
      return do_domains(ctx);
    case admin_verb::load:
      return with<v1::DomainLoadRequest, v1::DomainReply>(payload, [&](auto& r) { return do_load(s, c, r); });
    case admin_verb::unload:
      return with<v1::DomainUnloadRequest, v1::DomainReply>(payload, [&](auto& r) { return do_unload(s, c, r); });
    case admin_verb::stats:
      return with<v1::StatsRequest, v1::StatsReply>(payload, [&](auto& r) { return do_stats(s, c, r); });
  }
  return fail<v1::InfoReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST, "admin: unknown verb");
}

} // namespace smith::actors::admin_impl
