// One call API for local and remote agents: smith::bridge::call and endpoint_proxy.
//
//   bridge::call<EchoReply>(self, {"examples", "echo-1"}, "echo", req, deadline,
//                           [](caf::expected<EchoReply> r) { ... });
//
// The node's bridge actor resolves the target through the registry: an agent on this node
// is invoked in-process (no serialization, no NATS); anything else goes over NATS with a
// correlation id and the reply comes back into the caller as an ordinary response.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <google/protobuf/message.h>

#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/outbound.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/log/trace_context.hpp"

namespace smith::bridge {

/// Extra time the caller waits beyond the deadline for the bridge's own
/// DEADLINE_EXCEEDED answer (so that answer, not a bare CAF timeout, arrives).
inline constexpr auto call_grace = std::chrono::milliseconds{250};

/// The node's bridge as currently published, or an invalid handle (no node running).
bridge_actor find_bridge(caf::actor_system& sys);

/// Wraps a copy of `msg` for a call (the copy is what travels; the caller keeps `msg`).
wire_payload copy_payload(const google::protobuf::Message& msg);

/// Turns a bridge answer into `Resp`: a payload of another type is UNKNOWN_TYPE.
template <class Resp>
caf::expected<Resp> payload_as(const wire_payload& p) {
  if (auto typed = std::dynamic_pointer_cast<const Resp>(p.msg))
    return *typed;
  return caf::make_error(wire_code::unknown_type,
                    std::string{"expected reply "} + Resp::descriptor()->full_name() + ", got "
                      + (p.msg ? p.msg->GetTypeName() : std::string{"nothing"}));
}

/// A CAF request timeout while waiting for the bridge means the deadline passed.
caf::error normalize_call_error(caf::error err);

/// Calls `action` of `ref` with `req`, answering `on_done(caf::expected<Resp>)` exactly once
/// in `self`'s context: the reply, the agent's or the wire's error (a wire_code), or
/// DEADLINE_EXCEEDED once `deadline` passed. Made while this thread handles a traced request
/// (log::current_traceparent(), e.g. inside an SDK agent's handler), the call carries that
/// trace (same trace id, a new span id per hop); otherwise the bridge starts a new trace. `Self` is any event-based actor (typed or not).
namespace detail {

/// The caller-side direct path of call(): a call that goes over NATS is published from
/// `self`'s thread (no hop through the bridge) and its answer arrives as the response to a
/// request id of `self`, exactly as a response of the bridge would. False when the bridge
/// must take the call (local agents, no NATS).
/// No CAF request timeout is armed (a clock-thread insert and wake-up per call): the bridge
/// answers every call it parked, with the reply, DEADLINE_EXCEEDED from its expiry sweep
/// at the deadline, or UNAVAILABLE when it stops.
template <class Resp, class Self, class F>
bool call_direct(Self* self, call_request& cr, F& on_done) {
  auto ob = outbound::find(self->system());
  if (!ob)
    return false;
  auto mid = self->new_request_id(caf::message_priority::normal);
  auto sent = ob->call_remote(cr, caf::actor_cast<caf::strong_actor_ptr>(self), mid);
  if (!sent)
    return false;
  self->add_multiplexed_response_handler(
    mid.response_id(),
    caf::behavior{[on_done](wire_payload& p) mutable { on_done(payload_as<Resp>(p)); },
                  [on_done](caf::error& err) mutable {
                    on_done(caf::expected<Resp>{normalize_call_error(std::move(err))});
                  }});
  if (*sent) // refused before sending: answered like any other response, later
    static_cast<caf::abstract_actor*>(self)->enqueue(
      nullptr, mid.response_id(), caf::make_message(std::move(*sent)), self->context());
  return true;
}

} // namespace detail

template <class Resp, class Self, class F>
void call(Self* self, agent_ref ref, std::string action, wire_payload req, wall_time deadline,
          F on_done) {
  {
    call_request cr{ref, action, req, deadline, std::string{log::current_traceparent()}, {}};
    if (detail::call_direct<Resp>(self, cr, on_done))
      return;
  }
  auto br = find_bridge(self->system());
  if (!br) {
    on_done(caf::expected<Resp>{caf::make_error(wire_code::unavailable, "no bridge on this node")});
    return;
  }
  auto left = deadline - std::chrono::system_clock::now();
  auto timeout = std::chrono::duration_cast<caf::timespan>(left) + call_grace;
  // Called while handling a traced request: the call continues that trace.
  call_request cr{std::move(ref), std::move(action), std::move(req), deadline,
                  std::string{log::current_traceparent()}, {}};
  self->request(br, timeout, call_atom::value, std::move(cr))
    .then([on_done](wire_payload& p) mutable { on_done(payload_as<Resp>(p)); },
          [on_done](caf::error& err) mutable {
            on_done(caf::expected<Resp>{normalize_call_error(std::move(err))});
          });
}

/// Convenience overload copying `req`.
template <class Resp, class Self, class F>
void call(Self* self, agent_ref ref, std::string action, const google::protobuf::Message& req,
          wall_time deadline, F on_done) {
  call<Resp>(self, std::move(ref), std::move(action), copy_payload(req), deadline,
             std::move(on_done));
}

/// Blocking form for tools, tests and main(): waits in `self` for the answer.
template <class Resp>
caf::expected<Resp> call_blocking(caf::scoped_actor& self, agent_ref ref, std::string action,
                                  const google::protobuf::Message& req, wall_time deadline) {
  auto br = find_bridge(self->system());
  if (!br)
    return caf::make_error(wire_code::unavailable, "no bridge on this node");
  auto left = deadline - std::chrono::system_clock::now();
  auto timeout = std::chrono::duration_cast<caf::timespan>(left) + call_grace;
  call_request cr{std::move(ref), std::move(action), copy_payload(req), deadline,
                  std::string{log::current_traceparent()}, {}};
  caf::expected<Resp> out{caf::error{}};
  self->request(br, timeout, call_atom::value, std::move(cr))
    .receive([&](wire_payload& p) { out = payload_as<Resp>(p); },
             [&](caf::error& err) { out = normalize_call_error(std::move(err)); });
  return out;
}

/// A typed handle on one endpoint of one agent (or pool): the same code calls it wherever
/// the agent lives. Cheap to copy.
template <class Req, class Resp>
class endpoint_proxy {
public:
  endpoint_proxy(agent_ref ref, std::string action)
    : ref_(std::move(ref)), action_(std::move(action)) {
    // nop
  }

  /// Asynchronous call from an event-based actor; see call().
  template <class Self, class F>
  void operator()(Self* self, const Req& req, wall_time deadline, F on_done) const {
    call<Resp>(self, ref_, action_, req, deadline, std::move(on_done));
  }

  /// Blocking call; see call_blocking().
  caf::expected<Resp> blocking(caf::scoped_actor& self, const Req& req, wall_time deadline) const {
    return call_blocking<Resp>(self, ref_, action_, req, deadline);
  }

  const agent_ref& target() const noexcept { return ref_; }
  const std::string& action() const noexcept { return action_; }

private:
  agent_ref ref_;
  std::string action_;
};

} // namespace smith::bridge
