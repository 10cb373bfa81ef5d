// Child specs for SDK agents.
#include "runtime/agent/agent_type.hpp"

#include <caf/actor_system.hpp>

namespace smith::agent {

namespace {

/// What every child of one pool shares: its type, domain and options.
struct agent_child_pool {
  std::shared_ptr<const agent_type> type;
  std::string domain;
  std::shared_ptr<const instance_options> opts;
};

/// The pool of (type, domain, opts): a pool's specs are built one after another, so the
/// previous one is reused while it lives and matches. A start closure then holds one pointer.
std::shared_ptr<const agent_child_pool> agent_child_pool_of(std::shared_ptr<const agent_type> type,
                                                            std::string domain,
                                                            std::shared_ptr<const instance_options> opts) {
  thread_local std::weak_ptr<const agent_child_pool> last;
  if (auto p = last.lock(); p && p->type == type && p->opts == opts && p->domain == domain)
    return p;
  auto p = std::make_shared<const agent_child_pool>(
    agent_child_pool{std::move(type), std::move(domain), std::move(opts)});
  last = p;
  return p;
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
  cs.start = [pool = agent_child_pool_of(std::move(type), std::move(domain), std::move(opts))](
               const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    auto& type = *pool->type;
    auto& opts = *pool->opts;
    auto id = make_agent_id(pool->domain, ctx.id, type.version);
    if (!id)
      return std::move(id.error());
    agent_config cfg{std::move(*id), opts.mailbox_capacity, ctx.incarnation, opts.settings,
                     type.capabilities, opts.heartbeat_interval, opts.node, type.name,
                     opts.journal};
    return type.spawn(ctx.system, std::move(cfg));
  };
  return cs;
}

supervision::child_spec agent_child(agent_type type, std::string domain, std::string name,
                                    instance_options opts) {
  return agent_child(std::make_shared<const agent_type>(std::move(type)), std::move(domain),
                     std::move(name), std::make_shared<const instance_options>(std::move(opts)));
}

} // namespace smith::agent
