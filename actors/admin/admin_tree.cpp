// Admin verb `tree` and the tree walk that locates an agent's supervisor.
#include <caf/all.hpp>

#include "actors/admin/admin_locate.hpp"
#include "runtime/registry/registry_api.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;
using children = std::vector<supervision::child_info>;

namespace {

caf::expected<children> children_of(caf::blocking_actor* self, const admin_context& ctx,
                                     const caf::actor& sup) {
  return ask<children>(self, sup, ctx.opts.query_timeout, which_children_atom::value);
}

/// Fills `out` with supervisor `sup` at `path` and, recursively, its running supervisors.
caf::error walk(caf::blocking_actor* self, const admin_context& ctx, const caf::actor& sup,
                const std::string& path, v1::Supervisor& out) {
  auto flags = ask<supervision::supervisor_flags>(self, sup, ctx.opts.query_timeout,
                                                  sup_flags_atom::value);
  if (!flags)
    return std::move(flags.error());
  auto cs = children_of(self, ctx, sup);
  if (!cs)
    return std::move(cs.error());
  out.set_path(path);
  out.set_strategy(supervision::to_string(flags->strategy_));
  out.set_intensity(flags->intensity);
  out.mutable_period()->set_seconds(flags->period.count() / 1000);
  out.mutable_period()->set_nanos(static_cast<int32_t>(flags->period.count() % 1000) * 1000000);
  uint64_t restarts = 0;
  for (auto& c : *cs) {
    auto* child = out.add_children();
    child->set_id(c.id);
    child->set_type(supervision::to_string(c.type));
    child->set_status(supervision::to_string(c.status));
    child->set_restart(supervision::to_string(c.restart));
    child->set_incarnation(c.incarnation);
    child->set_restarts(c.restarts);
    restarts += c.restarts;
    if (c.type == supervision::child_type::supervisor && c.handle
        && c.status == supervision::child_status::running)
      // A child that stops meanwhile is shown without its subtree.
      (void) walk(self, ctx, c.handle, path + "/" + c.id, *child->mutable_supervisor());
  }
  out.set_restarts(restarts);
  return {};
}

const supervision::child_info* find_child(const children& cs, const std::string& id,
                                          bool supervisor) {
  for (auto& c : cs)
    if (c.id == id && (!supervisor || c.type == supervision::child_type::supervisor))
      return &c;
  return nullptr;
}

caf::expected<registry::agent_record> local_record(caf::blocking_actor* self,
                                                   const admin_context& ctx,
                                                   const v1::AgentRef& ref) {
  if (ref.name().empty())
    return caf::make_error(caf::sec::invalid_argument, "no agent name given");
  auto reg = caf::actor_cast<caf::actor>(self->system().registry().get(registry::registry_name));
  registry::record_filter f;
  f.node = ctx.opts.node;
  f.domain = ref.domain();
  auto rs = ask<std::vector<registry::agent_record>>(self, reg, ctx.opts.query_timeout,
                                                     registry::list_atom::value, f);
  if (!rs)
    return std::move(rs.error());
  std::vector<registry::agent_record> hits;
  for (auto& r : *rs)
    if (r.id.name == ref.name())
      hits.push_back(r);
  if (hits.empty())
    return caf::make_error(registry::registry_errc::unknown_agent,
                           "no agent '" + ref.name() + "' on node " + ctx.opts.node);
  if (hits.size() > 1)
    return caf::make_error(caf::sec::invalid_argument,
                           "agent name '" + ref.name() + "' exists in several domains on node "
                             + ctx.opts.node + ": give domain/name");
  return std::move(hits.front());
}

} // namespace

caf::expected<caf::actor> root_of(const admin_context& ctx) {
  auto root = caf::actor_cast<caf::actor>(ctx.root);
  if (!root)
    return caf::make_error(caf::sec::request_receiver_down,
                           "node " + ctx.opts.node + " has no running root supervisor");
  return root;
}

namespace {

/// Searches the domain supervisors (only `domain` unless empty) for agent `name`.
bool find_in_tree(caf::blocking_actor* self, const admin_context& ctx, const std::string& domain,
                  const std::string& name, located_agent& out) {
  auto root = root_of(ctx);
  auto top = root ? children_of(self, ctx, *root) : caf::expected<children>{root.error()};
  if (!top)
    return false;
  for (auto& dom : *top) {
    if (dom.type != supervision::child_type::supervisor || !dom.handle
        || (!domain.empty() && dom.id != domain))
      continue;
    auto pools = children_of(self, ctx, dom.handle);
    for (auto& p : pools ? *pools : children{}) {
      if (p.type != supervision::child_type::supervisor || !p.handle)
        continue;
      auto agents = children_of(self, ctx, p.handle);
      auto* me = agents ? find_child(*agents, name, false) : nullptr;
      if (me == nullptr)
        continue;
      out.supervisor = p.handle;
      out.supervisor_path = "root/" + dom.id + "/" + p.id;
      out.child = *me;
      if (out.record.id.domain.empty())
        out.record.id.domain = dom.id;
      return true;
    }
  }
  return false;
}

} // namespace

caf::expected<located_agent> locate(caf::blocking_actor* self, const admin_context& ctx,
                                    const v1::AgentRef& ref, bool allow_stopped) {
  auto rec = local_record(self, ctx, ref);
  if (!rec && !(allow_stopped && rec.error() == registry::registry_errc::unknown_agent))
    return std::move(rec.error());
  located_agent out;
  if (rec)
    out.record = std::move(*rec);
  else
    out.record.id.name = ref.name();
  auto domain = rec ? out.record.id.domain : ref.domain();
  if (!find_in_tree(self, ctx, domain, ref.name(), out) && !rec)
    return caf::make_error(registry::registry_errc::unknown_agent,
                           "no agent '" + ref.name() + "' on node " + ctx.opts.node);
  return out;
}

admin_reply do_tree(caf::blocking_actor* self, const admin_context& ctx) {
  auto root = root_of(ctx);
  if (!root)
    return fail<v1::TreeReply>(self->system(), "tree", root.error());
  v1::TreeReply reply;
  reply.mutable_tree()->set_node(ctx.opts.node);
  if (auto err = walk(self, ctx, *root, "root", *reply.mutable_tree()->mutable_root()))
    return fail<v1::TreeReply>(self->system(), "tree of node " + ctx.opts.node, err);
  return pack(reply);
}

} // namespace smith::actors::admin_impl
