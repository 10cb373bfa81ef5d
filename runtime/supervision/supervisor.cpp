// The supervisor actor: message handlers delegating to supervisor_state.
#include "runtime/supervision/supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/internal/supervisor_state.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith::supervision {

namespace {

using internal::self_pointer;

template <class T>
void deliver(caf::typed_response_promise<T>& rp, caf::expected<T> x) {
  if (x)
    rp.deliver(std::move(*x));
  else
    rp.deliver(std::move(x.error()));
}

/// Answers a mutating request now, or after the running restart/shutdown plan.
template <class T, class Op>
caf::result<T> when_idle(self_pointer self, Op op) {
  auto rp = self->make_response_promise<T>();
  self->state.when_idle([rp, op]() mutable { op(rp); });
  return rp;
}

caf::behavior supervisor_impl(self_pointer self, supervisor_spec spec, supervisor_options opts) {
  self->set_down_handler([=](caf::down_msg& msg) { self->state.on_down(msg); });
  self->set_exit_handler([=](caf::exit_msg& msg) { self->state.on_exit(msg); });
  self->state.init(std::move(spec), std::move(opts));
  return {
    [=](start_child_atom, child_spec& cs) -> caf::result<caf::actor> {
      return when_idle<caf::actor>(self, [=](auto& rp) { deliver(rp, self->state.start_child(cs)); });
    },
    [=](terminate_child_atom, const std::string& id) -> caf::result<ok_atom> {
      return when_idle<ok_atom>(self, [=](auto& rp) { self->state.terminate_child(id, rp); });
    },
    [=](restart_child_atom, const std::string& id) -> caf::result<caf::actor> {
      return when_idle<caf::actor>(self, [=](auto& rp) { deliver(rp, self->state.restart_child(id)); });
    },
    [=](delete_child_atom, const std::string& id) -> caf::result<ok_atom> {
      return when_idle<ok_atom>(self, [=](auto& rp) { deliver(rp, self->state.delete_child(id)); });
    },
    [=](which_children_atom) { return self->state.which_children(); },
    [=](count_children_atom) { return self->state.count_children(); },
    [=](get_child_atom, const std::string& id) { return self->state.get_child(id); },
    [=](events_atom) { return self->state.events(); },
    [=](sup_flags_atom) { return self->state.flags(); },
    [=](clone_child_atom, const std::string& from, const std::string& to) -> caf::result<caf::actor> {
      return when_idle<caf::actor>(self, [=](auto& rp) { deliver(rp, self->state.clone_child(from, to)); });
    },
    [=](shutdown_timeout_atom, const std::string& id, uint64_t incarnation) {
      self->state.on_shutdown_timeout(id, incarnation);
    },
    [=](try_again_atom, const std::string& id, uint64_t incarnation, bool consume) {
      self->state.on_try_again(id, incarnation, consume);
    },
    [=](child_down_atom, const caf::actor_addr& who, const std::string& id,
        const caf::error& reason) { self->state.on_child_down(who, id, reason); },
  };
}

} // namespace

caf::expected<supervisor_actor> spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                                                 supervisor_options opts) {
  if (auto err = validate(spec))
    return err;
  auto hdl = sys.spawn(supervisor_impl, std::move(spec), std::move(opts));
  return caf::actor_cast<supervisor_actor>(hdl);
}

child_spec supervisor_child(std::string id, supervisor_spec spec, supervisor_options opts) {
  child_spec cs;
  cs.id = id;
  cs.type = child_type::supervisor;
  cs.shutdown = shutdown_spec::infinity();
  cs.start = [spec = std::move(spec), opts](const start_context& ctx) -> caf::expected<caf::actor> {
    auto nested = spec;
    nested.path = ctx.supervisor_path + "/" + ctx.id;
    auto nested_opts = opts;
    nested_opts.parent = ctx.supervisor.address();
    auto hdl = spawn_supervisor(ctx.system, std::move(nested), std::move(nested_opts));
    if (!hdl)
      return std::move(hdl.error());
    return caf::actor_cast<caf::actor>(*hdl);
  };
  return cs;
}

std::string describe_reason(caf::actor_system& sys, const caf::error& reason) {
  if (!reason)
    return "normal";
  if (is_shutdown(reason)) {
    auto& ctx = reason.context();
    if (ctx.match_elements<std::string>())
      return "shutdown: " + ctx.get_as<std::string>(0);
    return "shutdown";
  }
  return sys.render(reason);
}

} // namespace smith::supervision
