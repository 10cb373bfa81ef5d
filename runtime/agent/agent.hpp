// The agent SDK: a typed CAF actor with a bounded mailbox, lifecycle, control and counters.
//
// A domain author declares the agent's own interface and writes its handlers:
//
//   using counter_iface = caf::typed_actor<caf::replies_to<add_atom, int64_t>::with<int64_t>>;
//   struct counter_state { int64_t value = 0; };
//   counter_iface::behavior_type counter(smith::agent::agent_actor<counter_iface, counter_state>* self) {
//     return {[=](add_atom, int64_t n) { return self->state.value += n; }};
//   }
//
// The SDK adds the control messages (agent_control) and everything else.
#pragma once

#include <functional>
#include <utility>

#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/agent/agent_core.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/core/atoms.hpp"

namespace smith::agent {

/// Messages every SDK agent understands, whatever its own interface:
/// - suspend -> ok: hold user messages (kept, not lost) until resume; illegal_transition
///   unless active.
/// - resume -> ok: process held messages again; illegal_transition if not suspended.
/// - drain(deadline_ms) -> ok: refuse new work with `draining`, finish accepted work, then
///   exit `shutdown`; after deadline_ms (0 = none) exit anyway, pending requests get an error.
///   On an agent already draining, a deadline still applies (the earliest one wins).
/// - status -> agent_status.
using agent_control = caf::typed_actor<
  caf::replies_to<suspend_atom>::with<ok_atom>, caf::replies_to<resume_atom>::with<ok_atom>,
  caf::replies_to<drain_atom, uint64_t>::with<ok_atom>,
  caf::replies_to<status_atom>::with<agent_status>>;

/// The handle of an agent whose own interface is `Iface`.
template <class Iface>
using agent_handle = typename Iface::template extend_with<agent_control>;

/// Optional hooks. on_start runs inside the new actor before it becomes Active;
/// an error or std::exception there ends the actor with that error, which its
/// supervisor sees as a child exit (restart within intensity). on_stop runs
/// when the agent terminates.
template <class Self>
struct agent_hooks {
  std::function<caf::error(Self*)> on_start;
  std::function<void(Self*)> on_stop;
};

/// The actor class behind every SDK agent. `State` is default-constructed
/// per incarnation and reachable as `self->state`.
template <class Iface, class State>
class agent_actor : public agent_handle<Iface>::base {
public:
  using super = typename agent_handle<Iface>::base;
  using handle_type = agent_handle<Iface>;
  using behavior_fn = std::function<typename Iface::behavior_type(agent_actor*)>;
  using hooks_type = agent_hooks<agent_actor>;
  using super::consume;

  State state;

  agent_actor(caf::actor_config& cfg, agent_config acfg, behavior_fn fn, hooks_type hooks)
    : super(cfg), core_(std::move(acfg)), fn_(std::move(fn)), hooks_(std::move(hooks)) {
    // nop
  }

  const char* name() const override { return "smith.agent"; }

  /// Identity, capacity, incarnation and settings of this instance.
  const agent_config& config() const noexcept { return core_.config(); }

  typename handle_type::behavior_type make_behavior() override {
    auto err = core_.start(this, [this] {
      return hooks_.on_start ? hooks_.on_start(this) : caf::error{};
    });
    if (err) {
      this->quit(std::move(err));
      return unsafe(caf::behavior{});
    }
    register_self();
    auto user = fn_(this);
    caf::message_handler mh{user.unbox().as_behavior_impl()};
    auto all = mh.or_else(core_.control_handlers(this, &agent_actor::beat));
    return unsafe(caf::behavior{all});
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    if (core_.admit(this, *ptr, eu))
      super::enqueue(std::move(ptr), eu);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    return core_.consume(this, x, [this](caf::mailbox_element& y) { return super::consume(y); });
  }

  void on_exit() override {
    if (hooks_.on_stop)
      hooks_.on_stop(this);
    core_.stop(this, this->fail_state());
  }

private:
  static constexpr auto registry_timeout = std::chrono::seconds{5};

  /// Registers with the node's registry (if there is one); Active on success.
  void register_self() {
    auto reg = core_.find_registry(this);
    if (!reg) {
      core_.on_registered(this);
      return;
    }
    this->request(reg, registry_timeout, registry::register_atom::value, core_.record(this))
      .then([this](ok_atom) { core_.on_registered(this); },
            [this](caf::error& err) { core_.on_registration_failed(this, std::move(err)); });
  }

  /// Heartbeats; a registry that does not know us (it restarted) gets a new registration.
  static void beat(caf::scheduled_actor* base) {
    auto self = static_cast<agent_actor*>(base);
    if (auto reg = self->core_.find_registry(self))
      self->request(reg, registry_timeout, registry::heartbeat_atom::value,
                    self->core_.config().id.instance, self->core_.load())
        .then([](ok_atom) {},
              [self](caf::error& err) {
                if (err == registry::registry_errc::unknown_agent)
                  self->register_self();
              });
    self->core_.schedule_heartbeat(self);
  }

  static typename handle_type::behavior_type unsafe(caf::behavior bhvr) {
    using bt = typename handle_type::behavior_type;
    return bt{typename bt::unsafe_init{}, std::move(bhvr)};
  }

  agent_core core_;
  behavior_fn fn_;
  hooks_type hooks_;
};

/// Spawns one agent. The caller (usually a supervisor) owns the handle.
template <class Iface, class State>
agent_handle<Iface> spawn_agent(caf::actor_system& sys, agent_config cfg,
                                typename agent_actor<Iface, State>::behavior_fn fn,
                                typename agent_actor<Iface, State>::hooks_type hooks = {}) {
  return sys.spawn<agent_actor<Iface, State>>(std::move(cfg), std::move(fn), std::move(hooks));
}

} // namespace smith::agent
