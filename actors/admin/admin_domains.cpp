// Admin verbs for domains: list, load, unload (through the node's admin_hooks).
#include <caf/all.hpp>

#include "actors/admin/admin_worker.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/plugin/plugin_errc.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;

namespace {

void fill(v1::Domain& out, const admin_domain& d) {
  out.set_name(d.name);
  out.set_version(d.version);
  for (auto& t : d.agent_types)
    out.add_agent_types(t);
  out.set_source(d.source);
  out.set_state(d.state);
  out.set_agents(d.agents);
  out.set_error(d.error);
}

std::vector<admin_domain> catalog_domains(const domain::domain_catalog& catalog) {
  std::vector<admin_domain> out;
  for (auto& d : catalog.list()) {
    admin_domain x;
    x.name = d->name;
    x.version = d->version;
    x.source = "builtin";
    for (auto& t : d->agents)
      x.agent_types.push_back(t.name);
    out.push_back(std::move(x));
  }
  return out;
}

std::string not_supported(const admin_context& ctx, const char* what) {
  return std::string{"domain "} + what + " is not supported by node " + ctx.opts.node
         + " (no plugin loader connected to its admin service)";
}

} // namespace

admin_reply do_domains(const admin_context& ctx) {
  auto& hooks = ctx.opts.hooks;
  auto ds = hooks.domains ? hooks.domains() : catalog_domains(*ctx.opts.catalog);
  v1::DomainsReply reply;
  reply.mutable_domains()->set_node(ctx.opts.node);
  for (auto& d : ds)
    fill(*reply.mutable_domains()->add_domains(), d);
  return pack(reply);
}

admin_reply do_load(caf::blocking_actor* self, const admin_context& ctx,
                    const v1::DomainLoadRequest& req) {
  if (!ctx.opts.hooks.load_domain)
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_NOT_SUPPORTED, not_supported(ctx, "load"));
  if (req.spec().empty())
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST, "domain load: empty spec");
  auto d = ctx.opts.hooks.load_domain(req.spec());
  if (!d)
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_REFUSED,
                                 "domain load '" + req.spec() + "' on node " + ctx.opts.node
                                   + ": " + text_of(self->system(), d.error()));
  v1::DomainReply reply;
  fill(*reply.mutable_domain(), *d);
  return pack(reply);
}

admin_reply do_unload(caf::blocking_actor* self, const admin_context& ctx,
                      const v1::DomainUnloadRequest& req) {
  if (!ctx.opts.hooks.unload_domain)
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_NOT_SUPPORTED, not_supported(ctx, "unload"));
  if (req.name().empty())
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_BAD_REQUEST, "domain unload: empty name");
  std::chrono::milliseconds deadline{5000};
  if (req.has_deadline() && (req.deadline().seconds() > 0 || req.deadline().nanos() > 0))
    deadline = std::chrono::milliseconds{req.deadline().seconds() * 1000
                                         + req.deadline().nanos() / 1000000};
  auto err = ctx.opts.hooks.unload_domain(req.name(), req.version(), deadline);
  // unconfirmed: the domain is gone here, some node did not confirm it in time (a warning).
  if (err && err != plugin::plugin_errc::unconfirmed)
    return fail<v1::DomainReply>(v1::ADMIN_ERROR_CODE_REFUSED,
                                 "domain unload '" + req.name() + "' on node " + ctx.opts.node
                                   + ": " + text_of(self->system(), err));
  v1::DomainReply reply;
  if (err)
    reply.add_warnings("node " + ctx.opts.node + ": " + text_of(self->system(), err));
  reply.mutable_domain()->set_name(req.name());
  reply.mutable_domain()->set_version(req.version());
  return pack(reply);
}

} // namespace smith::actors::admin_impl
