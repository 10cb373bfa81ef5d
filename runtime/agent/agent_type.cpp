// Child specs for SDK agents.
#include "runtime/agent/agent_type.hpp"

#include <cstring>

#include <caf/actor_system.hpp>
#include <caf/monitorable_actor.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/token.hpp"

namespace smith::agent {

namespace {

/// What every child of one pool shares: its type, domain and options, and the profile that
/// every agent of the pool points to.
struct agent_child_pool {
  std::shared_ptr<const agent_type> type;
  std::string domain;
  std::shared_ptr<const instance_options> opts;
  std::shared_ptr<const agent_profile> profile;
  /// Why the domain, or else the type's version, is not valid (checked once), or none.
  caf::error bad_domain;
  caf::error bad_version;
};

/// The profile of every agent of type `type` in `domain` started with `opts`.
std::shared_ptr<const agent_profile> agent_child_profile(const agent_type& type,
                                                         const std::string& domain,
                                                         const instance_options& opts) {
  auto p = std::make_shared<agent_profile>();
  p->domain = domain;
  p->version = type.version;
  p->type = type.name;
  p->node = opts.node;
  p->mailbox_capacity = opts.mailbox_capacity;
  p->heartbeat_interval = opts.heartbeat_interval;
  p->settings = opts.settings;
  p->capabilities = type.capabilities;
  p->journal = opts.journal;
  return p;
}

/// The pool of (type, domain, opts): a pool's specs are built one after another, so the
/// previous one is reused while it lives and matches. A start closure then holds one pointer.
std::shared_ptr<const agent_child_pool> agent_child_pool_of(std::shared_ptr<const agent_type> type,
                                                            std::string domain,
                                                            std::shared_ptr<const instance_options> opts) {
  thread_local std::weak_ptr<const agent_child_pool> last;
  if (auto p = last.lock(); p && p->type == type && p->opts == opts && p->domain == domain)
    return p;
  auto profile = agent_child_profile(*type, domain, *opts);
  // The name is checked per start; the parts every child shares, here once.
  auto bad_domain = validate_agent_id(domain, "x", "0.0.0");
  auto bad_version = validate_agent_id("x", "x", type->version);
  auto p = std::make_shared<const agent_child_pool>(
    agent_child_pool{std::move(type), std::move(domain), std::move(opts), std::move(profile),
                     std::move(bad_domain), std::move(bad_version)});
  last = p;
  return p;
}

/// Whether `hdl` is an SDK agent (agent_actor), which reports its own exit to the supervisor
/// in its instance. No dynamic_cast (about 2 000 instructions through CAF's actor classes): in
/// CAF 0.17 monitorable_actor is abstract_actor's only subclass.
bool agent_child_reports_itself(const caf::actor& hdl) {
  auto* a = static_cast<caf::monitorable_actor*>(caf::actor_cast<caf::abstract_actor*>(hdl));
  return std::strcmp(a->name(), agent_core::actor_name) == 0;
}

} // namespace

supervision::child_spec agent_child(std::shared_ptr<const agent_type> type, std::string domain,
                                    std::string name,
                                    std::shared_ptr<const instance_options> opts) {
  supervision::child_spec cs;
  cs.id = std::move(name);
  cs.restart = opts->restart;
  cs.shutdown = opts->shutdown;
  cs.backoff = opts->backoff;
  auto pool = agent_child_pool_of(std::move(type), std::move(domain), std::move(opts));
  cs.template_key = pool; // the closure below differs by nothing but the id it is given
  cs.reports_exit = true; // the agent tells its supervisor of its exit (agent_core::report_exit)
  cs.start = [pool = std::move(pool)](
               const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    auto& type = *pool->type;
    // make_agent_id's checks in its order, the shared parts' results computed once.
    if (pool->bad_domain)
      return pool->bad_domain;
    if (auto why = token_error(ctx.id))
      return caf::make_error(agent_errc::invalid_name, "agent name '" + ctx.id + "' " + *why);
    if (pool->bad_version)
      return pool->bad_version;
    auto hdl = type.spawn(ctx.system,
                          agent_instance{ctx.id, uuid::random(), ctx.incarnation, pool->profile,
                                         ctx.supervisor.address()});
    // An SDK agent reports its exit by itself; anything else a custom spawn made gets a functor.
    if (hdl && ctx.supervisor && !agent_child_reports_itself(hdl))
      supervision::attach_child_exit_report(hdl, ctx.supervisor, ctx.id);
    return hdl;
  };
  return cs;
}

supervision::child_group agent_group(std::shared_ptr<const agent_type> type, std::string domain,
                                     std::vector<std::string> names,
                                     std::shared_ptr<const instance_options> opts) {
  // The start function takes the child's id from its start context, never from the spec.
  return {agent_child(std::move(type), std::move(domain), {}, std::move(opts)), std::move(names)};
}

supervision::child_spec agent_child(agent_type type, std::string domain, std::string name,
                                    instance_options opts) {
  return agent_child(std::make_shared<const agent_type>(std::move(type)), std::move(domain),
                     std::move(name), std::make_shared<const instance_options>(std::move(opts)));
}

} // namespace smith::agent
