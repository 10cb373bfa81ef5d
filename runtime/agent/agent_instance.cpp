// An agent incarnation's compact identity beside its pool's shared profile.
#include "runtime/agent/agent_config.hpp"

namespace smith::agent {

namespace {

/// The profile part of `cfg` (moved out), for an agent that has no pool to share one with;
/// it keeps the configured instance text when `instance` is not its canonical UUID.
std::shared_ptr<const agent_profile> agent_instance_profile_of(agent_config& cfg,
                                                               const uuid& instance) {
  auto p = std::make_shared<agent_profile>();
  p->domain = std::move(cfg.id.domain);
  p->version = std::move(cfg.id.version);
  p->type = std::move(cfg.type);
  p->node = std::move(cfg.node);
  p->mailbox_capacity = cfg.mailbox_capacity;
  p->heartbeat_interval = cfg.heartbeat_interval;
  p->settings = std::move(cfg.settings);
  p->capabilities = std::move(cfg.capabilities);
  p->journal = std::move(cfg.journal);
  if (instance.empty())
    p->odd_instance = cfg.id.instance;
  return p;
}

} // namespace

agent_instance::agent_instance(agent_config cfg)
  : name_(std::move(cfg.id.name)),
    instance_(uuid::parse(cfg.id.instance).value_or(uuid{})),
    incarnation_(cfg.incarnation),
    profile_(agent_instance_profile_of(cfg, instance_)) {
  // nop
}

agent_instance::agent_instance(std::string name, uuid instance, uint64_t incarnation,
                               std::shared_ptr<const agent_profile> profile,
                               caf::actor_addr supervisor)
  : name_(std::move(name)),
    instance_(instance),
    incarnation_(incarnation),
    profile_(std::move(profile)),
    supervisor_(std::move(supervisor)) {
  // nop
}

std::string agent_instance::instance() const {
  return instance_.empty() ? profile_->odd_instance : to_string(instance_);
}

agent_id agent_instance::id() const {
  return {profile_->domain, name_, instance(), profile_->version};
}

std::string agent_instance::qualified_name() const {
  return agent::qualified_name(profile_->domain, name_, profile_->version);
}

} // namespace smith::agent
