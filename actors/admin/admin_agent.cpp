// Admin verbs on one local agent: inspect, events, control.
#include <algorithm>

#include <caf/all.hpp>

#include "actors/admin/admin_locate.hpp"
#include "runtime/agent/agent.hpp"
#include "runtime/registry/record_codec.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;
using events = std::vector<supervision::supervisor_event>;

namespace {

constexpr std::chrono::seconds stop_timeout{30};

google::protobuf::Timestamp timestamp_of(int64_t wall_ns) {
  google::protobuf::Timestamp out;
  out.set_seconds(wall_ns / 1000000000);
  out.set_nanos(static_cast<int32_t>(wall_ns % 1000000000));
  return out;
}

/// The supervisor's retained events about `name` (empty without a supervisor).
events events_of(caf::blocking_actor* self, const admin_context& ctx, const located_agent& a) {
  auto all = ask<events>(self, a.supervisor, ctx.opts.query_timeout, events_atom::value);
  events out;
  for (auto& e : all ? *all : events{})
    if (e.child_id == a.record.id.name)
      out.push_back(std::move(e));
  return out;
}

void fill_history(v1::Inspection& out, const agent::agent_status& st, int64_t offset) {
  for (auto& t : st.history) {
    auto* h = out.add_history();
    h->set_from(registry::to_proto(t.from));
    h->set_to(registry::to_proto(t.to));
    *h->mutable_at() = timestamp_of(t.at_ns + offset);
    h->set_reason(t.reason);
  }
}

void fill_counters(v1::Inspection& out, const agent::agent_status& st) {
  auto& c = st.counters;
  auto* o = out.mutable_counters();
  o->set_handled(c.handled);
  o->set_errors(c.errors);
  o->set_rejected_overloaded(c.rejected_overloaded);
  o->set_rejected_draining(c.rejected_draining);
  o->set_unexpected(c.unexpected);
  o->set_last_error(c.last_error);
  out.set_mailbox_depth(c.mailbox_depth);
  out.set_mailbox_capacity(st.mailbox_capacity);
}

void fill_state(caf::blocking_actor* self, const admin_context& ctx, const located_agent& a,
                v1::Inspection& out) {
  auto snap = ask<agent::agent_snapshot>(self, a.record.handle, ctx.opts.query_timeout,
                                         inspect_atom::value);
  if (!snap) {
    out.set_state_json("{\"error\": \"inspect failed\"}");
    return;
  }
  if (snap->type.empty())
    return;
  out.set_state_type(snap->type);
  std::string error;
  auto json = render_json(snap->type, snap->bytes, error);
  out.set_state_json(error.empty() ? json : "{}");
}

} // namespace

admin_reply do_inspect(caf::blocking_actor* self, const admin_context& ctx,
                       const v1::InspectRequest& req) {
  auto a = locate(self, ctx, req.agent());
  if (!a)
    return fail<v1::InspectReply>(self->system(), "inspect", a.error());
  auto st = ask<agent::agent_status>(self, a->record.handle, ctx.opts.query_timeout,
                                     status_atom::value);
  if (!st)
    return fail<v1::InspectReply>(self->system(), "inspect " + a->record.id.name, st.error());
  auto offset = registry::wall_clock_offset_now();
  v1::InspectReply reply;
  auto* out = reply.mutable_inspection();
  *out->mutable_id() = registry::to_proto(st->id);
  out->set_node(ctx.opts.node);
  out->set_agent_type(a->record.agent_type);
  out->set_state(registry::to_proto(st->state));
  fill_history(*out, *st, offset);
  out->set_supervisor(a->supervisor_path);
  out->set_incarnation(a->child.incarnation);
  out->set_restarts(a->child.restarts);
  for (auto& e : events_of(self, ctx, *a)) {
    auto* x = out->add_restart_history();
    x->set_kind(static_cast<agent::v1::SupervisorEventKind>(e.kind));
    x->set_supervisor(e.supervisor);
    x->set_child_id(e.child_id);
    x->set_reason(e.reason);
    x->set_incarnation(e.incarnation);
    x->set_monotonic_ns(e.monotonic_ns);
  }
  fill_counters(*out, *st);
  out->set_in_flight(st->counters.in_flight); // live, not the last heartbeat's
  out->set_health(registry::to_string(a->record.health_));
  fill_state(self, ctx, *a, *out);
  return pack(reply);
}

admin_reply do_events(caf::blocking_actor* self, const admin_context& ctx,
                      const v1::EventsRequest& req) {
  auto a = locate(self, ctx, req.agent(), true);
  if (!a)
    return fail<v1::EventsReply>(self->system(), "events", a.error());
  auto offset = registry::wall_clock_offset_now();
  std::vector<v1::Event> all;
  for (auto& e : events_of(self, ctx, *a)) {
    v1::Event x;
    x.set_source("supervisor");
    x.set_kind(supervision::to_string(e.kind));
    x.set_reason(e.reason);
    x.set_incarnation(e.incarnation);
    x.set_monotonic_ns(e.monotonic_ns);
    *x.mutable_at() = timestamp_of(e.monotonic_ns + offset);
    all.push_back(std::move(x));
  }
  auto st = ask<agent::agent_status>(self, a->record.handle, ctx.opts.query_timeout,
                                     status_atom::value);
  for (auto& t : st ? st->history : std::vector<agent::lifecycle_transition>{}) {
    v1::Event x;
    x.set_source("lifecycle");
    x.set_kind(std::string{agent::to_string(t.from)} + " -> " + agent::to_string(t.to));
    x.set_reason(t.reason);
    x.set_incarnation(a->child.incarnation);
    x.set_monotonic_ns(t.at_ns);
    *x.mutable_at() = timestamp_of(t.at_ns + offset);
    all.push_back(std::move(x));
  }
  merge_persisted_history(ctx, *a, offset, all);
  std::stable_sort(all.begin(), all.end(),
                   [](auto& x, auto& y) { return x.monotonic_ns() < y.monotonic_ns(); });
  v1::EventsReply reply;
  for (auto& x : all)
    *reply.mutable_events()->add_events() = std::move(x);
  return pack(reply);
}

namespace {

caf::error run_control(caf::blocking_actor* self, const admin_context& ctx,
                       const located_agent& a, const v1::ControlRequest& req) {
  auto t = ctx.opts.query_timeout;
  auto& h = a.record.handle;
  auto& id = a.record.id.name;
  auto no_sup = [&] {
    return caf::make_error(caf::sec::request_receiver_down,
                           "no supervisor found for agent '" + id + "'");
  };
  switch (req.op()) {
    case v1::CONTROL_OP_SUSPEND:
      return error_of(ask<ok_atom>(self, h, t, suspend_atom::value));
    case v1::CONTROL_OP_RESUME:
      return error_of(ask<ok_atom>(self, h, t, resume_atom::value));
    case v1::CONTROL_OP_DRAIN: {
      auto ms = req.drain_deadline().seconds() * 1000 + req.drain_deadline().nanos() / 1000000;
      return error_of(ask<ok_atom>(self, h, t, drain_atom::value, static_cast<uint64_t>(ms)));
    }
    case v1::CONTROL_OP_KILL:
      // Unconditional in CAF: the agent cannot trap it; its supervisor sees reason `kill`.
      if (!h)
        return caf::make_error(caf::sec::request_receiver_down, "agent '" + id + "' is not running");
      self->send_exit(h, caf::exit_reason::kill);
      return {};
    case v1::CONTROL_OP_STOP:
      if (!a.supervisor)
        return no_sup();
      return error_of(
        ask<ok_atom>(self, a.supervisor, stop_timeout, terminate_child_atom::value, id));
    case v1::CONTROL_OP_RESTART: {
      if (!a.supervisor)
        return no_sup();
      if (auto r = ask<ok_atom>(self, a.supervisor, stop_timeout, terminate_child_atom::value, id);
          !r)
        return std::move(r.error());
      return error_of(
        ask<caf::actor>(self, a.supervisor, stop_timeout, restart_child_atom::value, id));
    }
    default:
      return caf::make_error(caf::sec::invalid_argument, "no control operation given");
  }
}

} // namespace

admin_reply do_control(caf::blocking_actor* self, const admin_context& ctx,
                       const v1::ControlRequest& req) {
  bool tree_op = req.op() == v1::CONTROL_OP_STOP || req.op() == v1::CONTROL_OP_RESTART;
  auto a = locate(self, ctx, req.agent(), tree_op);
  if (!a)
    return fail<v1::ControlReply>(self->system(), "control", a.error());
  auto op = v1::ControlOp_Name(req.op());
  for (auto& ch : op)
    ch = static_cast<char>(std::tolower(ch));
  auto what = op.substr(op.rfind('_') + 1) + " " + a->record.id.name;
  if (auto err = run_control(self, ctx, *a, req))
    return fail<v1::ControlReply>(self->system(), what, err);
  v1::ControlReply reply;
  reply.mutable_done()->mutable_agent()->set_domain(a->record.id.domain);
  reply.mutable_done()->mutable_agent()->set_name(a->record.id.name);
  reply.mutable_done()->set_op(req.op());
  return pack(reply);
}

} // namespace smith::actors::admin_impl
