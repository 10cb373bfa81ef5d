// Our calls: in-process for local agents, over NATS with correlation ids for the rest.
#include <chrono>

#include <caf/all.hpp>
#include <google/protobuf/message.h>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"

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

/// Publishes `cr` to its subject; with `correlation` the reply comes to our inbox.
caf::error publish(bridge_self* self, const bridge::call_request& cr, bool with_reply,
                   uint64_t correlation, std::string& subject_out) {
  auto& st = self->state;
  if (!st.opts.link)
    return caf::make_error(wire_code::unknown_agent, "no agent " + cr.target.domain + "/"
                                                       + cr.target.name + " on this node (no NATS)");
  if (!cr.payload.msg)
    return caf::make_error(wire_code::bad_request, "call without a payload");
  auto subject = cr.target.name == "_all"
                   ? bridge::broadcast_subject(cr.target.domain, cr.action)
                   : bridge::agent_subject(cr.target.domain, cr.target.name, cr.action);
  if (!subject)
    return caf::make_error(wire_code::bad_request, self->system().render(subject.error()));
  std::string body;
  if (!cr.payload.msg->SerializeToString(&body))
    return caf::make_error(wire_code::bad_request, "payload did not serialize");
  if (body.size() > st.opts.limits.max_payload)
    return caf::make_error(wire_code::payload_too_large,
                           std::to_string(body.size()) + " bytes exceed the limit of "
                             + std::to_string(st.opts.limits.max_payload));
  std::string reply;
  if (with_reply) {
    auto r = bridge::reply_subject(st.opts.link->reply_prefix, correlation);
    if (!r)
      return std::move(r.error());
    reply = std::move(*r);
  }
  auto trace = cr.traceparent.empty() ? bridge::new_traceparent()
                                      : bridge::child_traceparent(cr.traceparent);
  auto sender = cr.sender.empty() ? st.opts.node : cr.sender;
  auto headers = bridge::request_headers(cr.payload.msg->GetTypeName(),
                                         std::optional<bridge::wall_time>{cr.deadline},
                                         bridge::new_msg_id(), sender, trace);
  auto& conn = with_reply ? *st.opts.link->rpc : *st.opts.link->bulk;
  if (auto err = conn.publish(*subject, reply, headers, body))
    return caf::make_error(wire_code::unavailable,
                           "publish to " + *subject + " failed: " + self->system().render(err));
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
  auto corr = ++st.next_correlation;
  if (auto err = publish(self, cr, true, corr, p.subject)) {
    p.rp.deliver(std::move(err));
    return;
  }
  ++st.stats.remote_calls;
  st.pending.emplace(corr, std::move(p));
  self->delayed_send(self, left, bridge::expire_atom::value, corr);
}

} // namespace

void on_call(bridge_self* self, bridge::call_request& cr, caf::response_promise rp) {
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
  if (auto* a = local_target(self, cr)) {
    auto found = endpoint_for(*a, cr.action, nullptr); // post checks the payload's type
    if (!found)
      rp.deliver(std::move(found.error()));
    else if (auto err = (*found)->post(a->handle, cr.payload.msg))
      rp.deliver(bridge::as_wire_error(err));
    else
      rp.deliver(caf::ok_atom::value);
    return;
  }
  std::string subject;
  if (auto err = publish(self, cr, false, 0, subject))
    rp.deliver(std::move(err));
  else
    rp.deliver(caf::ok_atom::value);
}

void on_gather(bridge_self* self, bridge::call_request& cr, uint32_t expected,
               caf::response_promise rp) {
  cr.target.name = "_all";
  call_remote(self, cr, pending_call{rp, {}, true, expected, {}});
}

void on_reply(bridge_self* self, nats::inbound_msg& m) {
  auto& st = self->state;
  auto corr = bridge::parse_reply_subject(st.opts.link->reply_prefix, m.subject);
  auto i = corr ? st.pending.find(*corr) : st.pending.end();
  if (i == st.pending.end()) {
    ++st.stats.late_replies; // its deadline passed already, or not ours
    return;
  }
  auto& p = i->second;
  auto res = bridge::decode_reply(m);
  if (!p.gather) {
    if (res)
      p.rp.deliver(std::move(*res));
    else
      p.rp.deliver(std::move(res.error()));
    st.pending.erase(i);
    return;
  }
  if (res)
    p.gathered.push_back(std::move(*res));
  if (p.expected != 0 && p.gathered.size() >= p.expected) {
    p.rp.deliver(std::move(p.gathered));
    st.pending.erase(i);
  }
}

void on_expire(bridge_self* self, uint64_t correlation) {
  auto& st = self->state;
  auto i = st.pending.find(correlation);
  if (i == st.pending.end())
    return;
  auto& p = i->second;
  if (p.gather)
    p.rp.deliver(std::move(p.gathered));
  else
    p.rp.deliver(caf::make_error(wire_code::deadline_exceeded,
                                 "no reply from " + p.subject + " before the deadline"));
  st.pending.erase(i);
}

} // namespace smith::actors
