// Inside the admin service: the context its workers share and the verb handlers.
#pragma once

#include <chrono>
#include <string>
#include <type_traits>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/expected.hpp>
#include <caf/atom.hpp>

#include "actors/admin/admin_actor.hpp"
#include "runtime/bridge/subject.hpp"
#include "smith/admin/v1/admin.pb.h"

namespace smith::actors::admin_impl {

/// Immutable, shared by the service and its workers.
struct admin_context {
  admin_options opts;
  /// The root supervisor (weak: the admin is the root's child).
  caf::actor_addr root;
  std::chrono::system_clock::time_point started;
};

/// An encoded reply: its `Smith-Type` and protobuf body.
struct admin_reply {
  std::string type;
  std::string body;
};

/// Handles one request (blocking; runs on a worker thread). Never throws.
admin_reply handle_admin(caf::blocking_actor* self, const admin_context& ctx,
                         bridge::admin_verb verb, const std::string& payload);

/// Asks `dest` and waits at most `timeout` for a reply of type T.
template <class T, class... Ts>
caf::expected<T> ask(caf::blocking_actor* self, const caf::actor& dest,
                     std::chrono::milliseconds timeout, Ts&&... xs) {
  caf::expected<T> out{caf::sec::request_timeout};
  if (!dest)
    return caf::make_error(caf::sec::invalid_argument, "no such actor");
  if constexpr (std::is_same_v<T, caf::ok_atom>)
    self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](caf::ok_atom x) { out = x; }, [&](caf::error& err) { out = std::move(err); });
  else
    self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { out = std::move(err); });
  return out;
}

/// The error of `x`, or none.
template <class T>
caf::error error_of(caf::expected<T> x) {
  return x ? caf::error{} : std::move(x.error());
}

/// Encodes any reply message.
template <class Reply>
admin_reply pack(const Reply& r) {
  return {r.GetDescriptor()->full_name(), r.SerializeAsString()};
}

/// A Reply holding only an Error.
template <class Reply>
admin_reply fail(admin::v1::AdminErrorCode code, const std::string& text) {
  Reply r;
  r.mutable_error()->set_code(code);
  r.mutable_error()->set_message(text);
  return pack(r);
}

/// An error's code for clients: NOT_FOUND for unknown agents/children, UNAVAILABLE for
/// timeouts and dead receivers, REFUSED for anything else.
admin::v1::AdminErrorCode code_of(const caf::error& err);

/// Renders `err` for humans ("illegal_transition: cannot go from ...").
std::string text_of(caf::actor_system& sys, const caf::error& err);

/// Fails Reply with code_of(err) and "`what`: text_of(err)".
template <class Reply>
admin_reply fail(caf::actor_system& sys, const std::string& what, const caf::error& err) {
  return fail<Reply>(code_of(err), what + ": " + text_of(sys, err));
}

/// `bytes` of protobuf type `type` (generated pool) as JSON; sets `error` on failure.
std::string render_json(const std::string& type, const std::string& bytes, std::string& error);

// -- verbs (admin_query.cpp) --------------------------------------------------------------
admin_reply do_info(caf::blocking_actor* self, const admin_context& ctx);
admin_reply do_agents(caf::blocking_actor* self, const admin_context& ctx,
                      const admin::v1::AgentsRequest& req);
admin_reply do_find(caf::blocking_actor* self, const admin_context& ctx,
                    const admin::v1::FindRequest& req);
admin_reply do_stats(caf::blocking_actor* self, const admin_context& ctx,
                     const admin::v1::StatsRequest& req);
// -- verbs (admin_domains.cpp) ------------------------------------------------------------
admin_reply do_domains(const admin_context& ctx);
admin_reply do_load(caf::blocking_actor* self, const admin_context& ctx,
                    const admin::v1::DomainLoadRequest& req);
admin_reply do_unload(caf::blocking_actor* self, const admin_context& ctx,
                      const admin::v1::DomainUnloadRequest& req);
// -- verbs (admin_tree.cpp, admin_agent.cpp) ----------------------------------------------
admin_reply do_tree(caf::blocking_actor* self, const admin_context& ctx);
admin_reply do_inspect(caf::blocking_actor* self, const admin_context& ctx,
                       const admin::v1::InspectRequest& req);
admin_reply do_events(caf::blocking_actor* self, const admin_context& ctx,
                      const admin::v1::EventsRequest& req);
admin_reply do_control(caf::blocking_actor* self, const admin_context& ctx,
                       const admin::v1::ControlRequest& req);
// -- verbs (admin_memory.cpp) -------------------------------------------------------------
admin_reply do_memory(caf::blocking_actor* self, const admin_context& ctx,
                      const admin::v1::MemoryRequest& req);

// -- verbs (admin_send.cpp) ---------------------------------------------------------------
admin_reply do_send(caf::blocking_actor* self, const admin_context& ctx,
                    const admin::v1::SendRequest& req);

} // namespace smith::actors::admin_impl
