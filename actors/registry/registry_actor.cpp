// The registry actor: message handlers delegating to registry_state.
#include "actors/registry/registry_actor.hpp"

#include <caf/all.hpp>

#include "actors/registry/registry_state.hpp"

namespace smith::actors {

namespace {

using namespace smith::registry;
using self_pointer = caf::stateful_actor<registry_state>*;
using health_tick_atom = caf::atom_constant<caf::atom("hlthtick")>;

template <class T>
caf::result<T> to_result(caf::expected<T> x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

caf::result<ok_atom> ok_or(caf::error err) {
  if (err)
    return err;
  return ok_atom::value;
}

void publish(self_pointer self) {
  auto& sys = self->system();
  sys.registry().put(registry_name, caf::actor_cast<caf::strong_actor_ptr>(self));
  self->attach_functor([&sys, addr = self->address()](const caf::error&) {
    auto cur = sys.registry().get(registry_name);
    if (cur && cur->address() == addr)
      sys.registry().erase(registry_name); // a restarted registry republishes itself
  });
}

caf::behavior registry_impl(self_pointer self, registry_options opts) {
  self->state.init(std::move(opts));
  publish(self);
  self->set_down_handler([=](caf::down_msg& dm) { self->state.on_down(dm); });
  self->send(self, health_tick_atom::value);
  return {
    [=](register_atom, agent_record& r) { return ok_or(self->state.add(std::move(r))); },
    [=](deregister_atom, const std::string& id) { return ok_or(self->state.remove(id)); },
    [=](resolve_atom, const std::string& domain, const std::string& name) {
      return to_result(self->state.resolve(domain, name));
    },
    [=](resolve_atom, const std::string& instance) {
      return to_result(self->state.resolve_instance(instance));
    },
    [=](discover_atom, const discover_query& q) { return to_result(self->state.discover(q)); },
    [=](find_healthy_atom, const std::string& cap, const std::string& range, bool rr) {
      return to_result(self->state.find_healthy(cap, range, rr));
    },
    [=](list_atom, const record_filter& f) { return self->state.list(f); },
    [=](watch_atom, record_filter& f, caf::actor& sub) {
      return self->state.watch(std::move(f), std::move(sub));
    },
    [=](unwatch_atom, const caf::actor& sub) { self->state.unwatch(sub.address()); },
    [=](heartbeat_atom, const std::string& id, load_info load) {
      return ok_or(self->state.heartbeat(id, load));
    },
    [=](state_atom, const std::string& id, agent::lifecycle_state st) {
      self->state.set_state(id, st);
    },
    [=](apply_remote_atom, agent_record& r) {
      return ok_or(self->state.apply_remote(std::move(r)));
    },
    [=](remove_remote_atom, const std::string& id) {
      return ok_or(self->state.remove_remote(id));
    },
    [=](drop_node_atom, const std::string& node) { return to_result(self->state.drop_node(node)); },
    [=](replace_node_atom, const std::string& node, std::vector<agent_record>& records) {
      return to_result(self->state.replace_node(node, std::move(records)));
    },
    [=](digest_atom, const std::string& node) { return self->state.digest(node); },
    [=](health_tick_atom) {
      self->state.check_health();
      if (self->state.options().heartbeat_interval.count() > 0)
        self->delayed_send(self, self->state.options().heartbeat_interval, health_tick_atom::value);
    },
  };
}

} // namespace

registry_actor spawn_registry(caf::actor_system& sys, registry_options opts) {
  return caf::actor_cast<registry_actor>(sys.spawn(registry_impl, std::move(opts)));
}

supervision::child_spec registry_child(registry_options opts) {
  supervision::child_spec cs;
  cs.id = "registry";
  cs.start = [opts](const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    return caf::actor_cast<caf::actor>(spawn_registry(ctx.system, opts));
  };
  return cs;
}

} // namespace smith::actors
