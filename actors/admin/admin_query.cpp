// Admin verbs answered from the registry and membership: info, agents, find, stats.
#include <algorithm>
#include <map>

#include <caf/all.hpp>

#include "actors/admin/admin_worker.hpp"
#include "actors/cluster/cluster_api.hpp"
#include "runtime/agent/agent.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/registry/record_codec.hpp"
#include "runtime/registry/registry_api.hpp"
#include "smith/version.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;
using records = std::vector<registry::agent_record>;

namespace {

caf::actor registry_of(caf::blocking_actor* self) {
  return caf::actor_cast<caf::actor>(self->system().registry().get(registry::registry_name));
}

caf::expected<records> list(caf::blocking_actor* self, const admin_context& ctx,
                            const registry::record_filter& f) {
  auto reg = registry_of(self);
  if (!reg)
    return caf::make_error(caf::sec::request_receiver_down,
                           "no registry on node " + ctx.opts.node);
  return ask<records>(self, reg, ctx.opts.query_timeout, registry::list_atom::value, f);
}

google::protobuf::Timestamp timestamp_of(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  google::protobuf::Timestamp out;
  out.set_seconds(ns / 1000000000);
  out.set_nanos(static_cast<int32_t>(ns % 1000000000));
  return out;
}

void add_members(caf::blocking_actor* self, const admin_context& ctx, v1::NodeInfo& info) {
  auto memb = caf::actor_cast<caf::actor>(self->system().registry().get(cluster::membership_name));
  if (!memb)
    return;
  auto peers = ask<std::vector<cluster::peer_info>>(self, memb, ctx.opts.query_timeout,
                                                    cluster::peers_atom::value);
  if (!peers)
    return;
  for (auto& p : *peers) {
    auto* m = info.add_members();
    m->set_node(p.node);
    m->set_up(p.up);
    m->set_version(p.version);
    for (auto& d : p.domains)
      m->add_domains(d);
  }
}

void sort_records(records& rs) {
  std::sort(rs.begin(), rs.end(), [](auto& a, auto& b) {
    return std::tie(a.id.domain, a.id.name, a.node) < std::tie(b.id.domain, b.id.name, b.node);
  });
}

} // namespace

admin_reply do_info(caf::blocking_actor* self, const admin_context& ctx) {
  registry::record_filter f;
  f.node = ctx.opts.node;
  auto rs = list(self, ctx, f);
  if (!rs)
    return fail<v1::InfoReply>(self->system(), "node " + ctx.opts.node + ": registry", rs.error());
  v1::InfoReply reply;
  auto* info = reply.mutable_info();
  info->set_node(ctx.opts.node);
  info->set_status("up");
  info->set_version(version_string);
  *info->mutable_started() = timestamp_of(ctx.started);
  auto up = std::chrono::system_clock::now() - ctx.started;
  auto up_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(up).count();
  info->mutable_uptime()->set_seconds(up_ns / 1000000000);
  info->mutable_uptime()->set_nanos(static_cast<int32_t>(up_ns % 1000000000));
  info->set_agents(rs->size());
  for (auto& r : *rs)
    ++(*info->mutable_agents_by_state())[agent::to_string(r.state)];
  for (auto& d : ctx.opts.catalog->names())
    info->add_domains(d);
  add_members(self, ctx, *info);
  info->set_http_address(ctx.opts.http_address);
  return pack(reply);
}

admin_reply do_agents(caf::blocking_actor* self, const admin_context& ctx,
                      const v1::AgentsRequest& req) {
  registry::record_filter f;
  f.domain = req.domain();
  f.capability = req.capability();
  f.node = req.node();
  if (req.state() != agent::v1::LIFECYCLE_STATE_UNSPECIFIED) {
    auto st = registry::from_proto(req.state(), "state");
    if (!st)
      return fail<v1::AgentsReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST,
                                   text_of(self->system(), st.error()));
    f.state = *st;
  }
  auto rs = list(self, ctx, f);
  if (!rs)
    return fail<v1::AgentsReply>(self->system(), "node " + ctx.opts.node + ": registry", rs.error());
  sort_records(*rs);
  v1::AgentsReply reply;
  auto* out = reply.mutable_agents();
  auto offset = registry::wall_clock_offset_now();
  for (auto& r : *rs)
    if (req.name().empty() || r.id.name == req.name())
      *out->add_records() = registry::to_proto(r, offset);
  return pack(reply);
}

admin_reply do_find(caf::blocking_actor* self, const admin_context& ctx,
                    const v1::FindRequest& req) {
  auto reg = registry_of(self);
  if (!reg)
    return fail<v1::AgentsReply>(v1::ADMIN_ERROR_CODE_UNAVAILABLE,
                                 "no registry on node " + ctx.opts.node);
  auto what = "find '" + req.capability() + "'";
  v1::AgentsReply reply;
  auto* out = reply.mutable_agents();
  auto offset = registry::wall_clock_offset_now();
  if (req.healthy()) {
    auto r = ask<registry::agent_record>(self, reg, ctx.opts.query_timeout,
                                         registry::find_healthy_atom::value, req.capability(),
                                         req.version_range(), false);
    if (!r)
      return fail<v1::AgentsReply>(self->system(), what, r.error());
    *out->add_records() = registry::to_proto(*r, offset);
    return pack(reply);
  }
  registry::discover_query q;
  q.capability = req.capability();
  q.version_range = req.version_range();
  q.include_unhealthy = true;
  q.limit = 1000;
  auto res = ask<registry::discover_result>(self, reg, ctx.opts.query_timeout,
                                            registry::discover_atom::value, q);
  if (!res)
    return fail<v1::AgentsReply>(self->system(), what, res.error());
  for (auto& r : res->records)
    *out->add_records() = registry::to_proto(r, offset);
  return pack(reply);
}

admin_reply do_stats(caf::blocking_actor* self, const admin_context& ctx,
                     const v1::StatsRequest& req) {
  registry::record_filter f;
  f.node = ctx.opts.node;
  auto rs = list(self, ctx, f);
  if (!rs)
    return fail<v1::StatsReply>(self->system(), "node " + ctx.opts.node + ": registry", rs.error());
  std::stable_sort(rs->begin(), rs->end(), [](auto& a, auto& b) {
    return a.load.mailbox_depth > b.load.mailbox_depth;
  });
  size_t limit = req.limit() == 0 ? 1000 : req.limit();
  v1::StatsReply reply;
  auto* out = reply.mutable_stats();
  out->set_node(ctx.opts.node);
  out->set_total(rs->size());
  out->set_monotonic_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count());
  for (size_t i = 0; i < rs->size() && i < limit; ++i) {
    auto& r = (*rs)[i];
    auto* a = out->add_agents();
    a->set_domain(r.id.domain);
    a->set_name(r.id.name);
    a->set_instance(r.id.instance);
    a->set_state(agent::to_string(r.state));
    a->set_mailbox_depth(r.load.mailbox_depth);
    auto st = ask<agent::agent_status>(self, r.handle, ctx.opts.query_timeout,
                                       status_atom::value);
    if (!st)
      continue; // gone meanwhile: the registry's figures stand
    a->set_state(agent::to_string(st->state));
    a->set_mailbox_depth(st->counters.mailbox_depth);
    a->set_handled(st->counters.handled);
    a->set_errors(st->counters.errors);
  }
  return pack(reply);
}

} // namespace smith::actors::admin_impl
