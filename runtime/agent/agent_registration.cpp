// The agent's side of the registry: registration, heartbeats, state updates.
#include "runtime/agent/agent_core.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "runtime/core/atoms.hpp"

namespace smith::agent {

registry::registry_actor agent_core::find_registry(caf::scheduled_actor* self) const {
  auto ptr = self->home_system().registry().get(registry::registry_name);
  return caf::actor_cast<registry::registry_actor>(ptr);
}

registry::agent_record agent_core::record(caf::scheduled_actor* self) const {
  registry::agent_record r;
  r.id = cfg_.id();
  r.handle = caf::actor_cast<caf::actor>(self);
  for (auto& c : cfg_.capabilities())
    r.capabilities.push_back({c.name, c.version, c.metadata});
  r.state = lifecycle_state::active; // what it is once registration completes
  r.node = cfg_.node();
  r.heartbeats = cfg_.heartbeat_interval().count() > 0;
  r.agent_type = cfg_.type();
  r.load = load();
  return r;
}

void agent_core::on_registered(caf::scheduled_actor* self) {
  if (lifecycle_.state() != lifecycle_state::registering)
    return; // a re-registration after a registry restart
  registered_ = true;
  transition(self, lifecycle_state::registered);
  transition(self, lifecycle_state::active, "started");
  schedule_heartbeat(self);
}

void agent_core::on_registration_failed(caf::scheduled_actor* self, caf::error err) {
  note_error("registration failed: " + self->home_system().render(err));
  if (lifecycle_.state() == lifecycle_state::registering) {
    transition(self, lifecycle_state::unregistered, last_error());
    self->quit(std::move(err));
    return;
  }
  spdlog::warn("agent {}: {}", cfg_.qualified_name(), last_error());
}

registry::load_info agent_core::load() const {
  // in_flight: requests this agent accepted and has not answered yet (see reply_tap).
  return {meter_.queued.load(std::memory_order_relaxed), in_flight()};
}

void agent_core::schedule_heartbeat(caf::scheduled_actor* self) const {
  if (cfg_.heartbeat_interval().count() > 0)
    caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), cfg_.heartbeat_interval(),
                           beat_tick_atom::value);
}

void agent_core::notify_state(caf::scheduled_actor* self) const {
  if (!registered_)
    return;
  if (auto reg = find_registry(self))
    caf::anon_send(reg, registry::state_atom::value, cfg_.instance(), lifecycle_.state());
}

} // namespace smith::agent
