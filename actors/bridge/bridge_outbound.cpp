// Our calls: in-process for local agents, over NATS with correlation ids for the rest.
#include <chrono>

#include <caf/all.hpp>
#include <google/protobuf/message.h>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/envelope.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/log/trace_context.hpp"

namespace smith::actors {

namespace {

using std::chrono::system_clock;
using bridge::wire_code;

caf::timespan time_left(const bridge::call_request& cr) {
  return std::chrono::duration_cast<caf::timespan>(cr.deadline - system_clock::now());
}

/// The local agent that answers `cr` in-process, or nullptr when the call must go over
/// NATS: a named local agent always; a pool only without NATS (with NATS a pool call is
/// balanced across the whole cluster).
local_agent* local_target(bridge_self* self, const bridge::call_request& cr) {
  auto& st = self->state;
  if (auto* a = st.agents.find(cr.target.domain, cr.target.name))
    return a;
  if (!st.opts.link)
    return st.agents.pick(cr.target.domain, cr.target.name);
  return nullptr;
}

void invoke_local(bridge_self* self, local_agent& a, bridge::call_request& cr,
                  agent::endpoint_done done) {
  if (!cr.payload.msg)
    return done(caf::make_error(wire_code::unknown_type,
                                "action '" + cr.action + "' called without a payload"));
  auto found = endpoint_for(a, cr.action, cr.payload.msg->GetDescriptor());
  if (!found)
    return done(std::move(found.error()));
  auto* ep = *found;
  auto left = time_left(cr);
  if (left <= caf::timespan{0})
    return done(caf::make_error(wire_code::deadline_exceeded, "deadline passed before the call"));
  ++self->state.stats.local_calls;
  ep->invoke(self, a.handle, cr.payload.msg, left, std::move(done));
}

/// What publishing a call needs; the bridge's and the callers' direct path share it.
struct call_wire {
  std::shared_ptr<bridge::nats_link> link;
  std::string node;
  size_t max_payload = 0;
};

/// The subject `cr` is published to. Errors: bad_request.
caf::expected<std::string> call_subject(const bridge::call_request& cr) {
  auto subject = cr.target.name == "_all"
                   ? bridge::broadcast_subject(cr.target.domain, cr.action)
                   : bridge::agent_subject(cr.target.domain, cr.target.name, cr.action);
  if (!subject)
    return caf::make_error(wire_code::bad_request, caf::to_string(subject.error()));
  return subject;
}

/// Publishes `cr` to `subject`; with `correlation` the reply comes to our inbox.
caf::error publish_call(const call_wire& w, const bridge::call_request& cr,
                        const std::string& subject, bool with_reply, uint64_t correlation) {
  if (!cr.payload.msg)
    return caf::make_error(wire_code::bad_request, "call without a payload");
  std::string reply;
  if (with_reply) {
    auto r = bridge::reply_subject(w.link->reply_prefix, correlation);
    if (!r)
      return std::move(r.error());
    reply = std::move(*r);
  }
  bridge::request_meta meta{cr.deadline, cr.sender.empty() ? std::string_view{w.node}
                                                           : std::string_view{cr.sender},
                            cr.traceparent};
  auto& conn = with_reply ? *w.link->rpc : *w.link->bulk;
  return bridge::publish_request(conn, subject, reply, *cr.payload.msg, meta, w.max_payload);
}

/// Publishes `cr` from the bridge; with `correlation` the reply comes to our inbox.
caf::error publish(bridge_self* self, const bridge::call_request& cr, bool with_reply,
                   uint64_t correlation, std::string& subject_out) {
  auto& st = self->state;
  if (!st.opts.link)
    return caf::make_error(wire_code::unknown_agent, "no agent " + cr.target.domain + "/"
                                                       + cr.target.name + " on this node (no NATS)");
  auto subject = call_subject(cr);
  if (!subject)
    return std::move(subject.error());
  call_wire w{st.opts.link, st.opts.node, st.opts.limits.max_payload};
  if (auto err = publish_call(w, cr, *subject, with_reply, correlation))
    return err;
  subject_out = std::move(*subject);
  return {};
}

/// Sends a request over NATS and parks its promise until the reply or the deadline.
void call_remote(bridge_self* self, bridge::call_request& cr, pending_call p) {
  auto& st = self->state;
  auto left = time_left(cr);
  if (left <= caf::timespan{0}) {
    p.rp.deliver(caf::make_error(wire_code::deadline_exceeded, "deadline passed before the call"));
    return;
  }
  auto corr = st.pending->next_correlation.fetch_add(1, std::memory_order_relaxed) + 1;
  auto rp = p.rp;
  p.deadline = cr.deadline;
  {
    // Parked before publishing: the reply may reach the delivery thread before publish
    // returns here.
    std::lock_guard guard{st.pending->mtx};
    st.pending->calls.emplace(corr, std::move(p));
  }
  std::string subject;
  if (auto err = publish(self, cr, true, corr, subject)) {
    if (st.pending->take(corr))
      rp.deliver(std::move(err));
    return;
  }
  {
    std::lock_guard guard{st.pending->mtx};
    if (auto i = st.pending->calls.find(corr); i != st.pending->calls.end())
      i->second.subject = std::move(subject);
  }
  ++st.stats.remote_calls;
  arm_expiry(self->system(), caf::actor_cast<caf::strong_actor_ptr>(self), *st.pending,
             cr.deadline);
}

/// Counts one call, cast or gather asked of the bridge (bridge_stats::outbound).
void count_outbound(bridge_self* self, const char* kind, const bridge::call_request& cr) {
  ++self->state.stats.outbound[std::string{kind} + "." + cr.target.domain + "." + cr.action];
}

/// Gives `cr` a trace if its caller had none, and logs the call with it.
void trace_call(bridge_self* self, bridge::call_request& cr, const char* what) {
  if (cr.traceparent.empty())
    cr.traceparent = bridge::new_traceparent();
  log::trace_scope trace{cr.traceparent};
  spdlog::debug("bridge {}: {} {} of {}/{}", self->state.opts.node, what, cr.action,
                cr.target.domain, cr.target.name);
}

} // namespace

void on_call(bridge_self* self, bridge::call_request& cr, caf::response_promise rp) {
  count_outbound(self, "call", cr);
  trace_call(self, cr, "call");
  // A local agent accepting the call (in invoke) takes the trace from this scope.
  log::trace_scope trace{cr.traceparent};
  if (auto* a = local_target(self, cr)) {
    invoke_local(self, *a, cr, [rp](agent::endpoint_result res) mutable {
      if (res)
        rp.deliver(bridge::wire_payload{std::move(*res)});
      else
        rp.deliver(bridge::as_wire_error(res.error()));
    });
    return;
  }
  call_remote(self, cr, pending_call{rp, {}, false, 0, {}});
}

void on_cast(bridge_self* self, bridge::call_request& cr, caf::response_promise rp) {
  ++self->state.stats.casts;
  count_outbound(self, "cast", cr);
  trace_call(self, cr, "cast");
  log::trace_scope trace{cr.traceparent};
  if (auto res = self->state.out->cast(cr)) { // the same path as bridge::cast
    if (*res)
      rp.deliver(std::move(*res));
    else
      rp.deliver(caf::ok_atom::value);
    return;
  }
  if (auto* a = local_target(self, cr)) { // a pool member, without NATS
    auto found = endpoint_for(*a, cr.action, nullptr); // post checks the payload's type
    if (!found)
      rp.deliver(std::move(found.error()));
    else if (auto err = (*found)->post(a->handle, cr.payload.msg))
      rp.deliver(bridge::as_wire_error(err));
    else
      rp.deliver(caf::ok_atom::value);
    return;
  }
  rp.deliver(caf::make_error(wire_code::unknown_agent, "no agent " + cr.target.domain + "/"
                                                         + cr.target.name + " on this node (no NATS)"));
}

void on_gather(bridge_self* self, bridge::call_request& cr, uint32_t expected,
               caf::response_promise rp) {
  count_outbound(self, "gather", cr);
  cr.target.name = "_all";
  trace_call(self, cr, "gather");
  call_remote(self, cr, pending_call{rp, {}, true, expected, {}});
}

namespace {

/// bridge::call's direct path: on_call + call_remote for a remote target, run by the caller.
caf::error direct_call(const call_wire& w, caf::actor_system& sys, const caf::weak_actor_ptr& me,
                       const std::shared_ptr<pending_table>& pending, bridge::call_request& cr,
                       caf::strong_actor_ptr caller, caf::message_id mid) {
  auto br = caf::actor_cast<caf::strong_actor_ptr>(me);
  if (!br)
    return caf::make_error(wire_code::unavailable, "no bridge on this node");
  auto left = time_left(cr);
  if (left <= caf::timespan{0})
    return caf::make_error(wire_code::deadline_exceeded, "deadline passed before the call");
  auto subject = call_subject(cr);
  if (!subject)
    return std::move(subject.error());
  if (cr.traceparent.empty())
    cr.traceparent = bridge::new_traceparent();
  log::trace_scope trace{cr.traceparent};
  spdlog::debug("bridge {}: call {} of {}/{}", w.node, cr.action, cr.target.domain,
                cr.target.name);
  auto corr = pending->next_correlation.fetch_add(1, std::memory_order_relaxed) + 1;
  {
    std::lock_guard guard{pending->mtx};
    if (pending->closed)
      return caf::make_error(wire_code::unavailable, "bridge stopped");
    caf::response_promise rp{br, std::move(caller), {}, mid};
    pending->calls.emplace(corr,
                           pending_call{std::move(rp), *subject, false, 0, {}, cr.deadline});
    ++pending->direct_calls;
    ++pending->direct_outbound["call." + cr.target.domain + "." + cr.action];
  }
  if (auto err = publish_call(w, cr, *subject, true, corr)) {
    pending->take(corr); // not answered: the caller gets `err` instead
    return err;
  }
  arm_expiry(sys, br, *pending, cr.deadline);
  return {};
}

} // namespace

bridge::outbound::remote_call_fn direct_call_fn(bridge_self* self) {
  auto& st = self->state;
  call_wire w{st.opts.link, st.opts.node, st.opts.limits.max_payload};
  auto me = caf::actor_cast<caf::weak_actor_ptr>(self);
  return [w, sys = &self->system(), me, pending = st.pending](
           bridge::call_request& cr, caf::strong_actor_ptr caller, caf::message_id mid) {
    return direct_call(w, *sys, me, pending, cr, std::move(caller), mid);
  };
}

} // namespace smith::actors
