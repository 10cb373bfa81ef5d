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

#include <caf/intrusive_ptr.hpp>
#include <caf/make_counted.hpp>
#include <caf/ref_counted.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/agent/agent_core.hpp"
#include "runtime/agent/agent_snapshot.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/core/inline_executor.hpp"

namespace smith::agent {

/// Messages every SDK agent understands, whatever its own interface:
/// - suspend -> ok: hold user messages (kept, not lost) until resume; illegal_transition
///   unless active.
/// - resume -> ok: process held messages again; illegal_transition if not suspended.
/// - drain(deadline_ms) -> ok: refuse new work with `draining`, finish accepted work, then
///   exit `shutdown`; after deadline_ms (0 = none) exit anyway, pending requests get an error.
///   On an agent already draining, a deadline still applies (the earliest one wins).
/// - status -> agent_status.
/// Memory operations of event-sourced agents (journal + snapshot/restore hooks; otherwise
/// agent_errc::no_journal). Each takes who and why, is recorded with them, answers with the
/// agent's seq it is anchored at once durable, and changes nothing on error:
/// - checkpoint(label, who, why): saves the current state under `label`.
/// - restore(label, who, why) / restore(seq, who, why): the state becomes the checkpoint's
///   (persistence_errc::unknown_checkpoint) or the one right after event `seq`
///   (bad_snapshot); recorded as the agent's new base, so a restart keeps it.
/// - wipe(who, why): clears history (events, snapshots, message ids; checkpoints stay) and
///   the state down to what the on_wipe hook keeps (identity, role, core knowledge).
/// - fork(name, who, why): writes the current state as the base of agent `name` in the same
///   domain (which must have no journal yet); the caller then starts that agent.
/// - inspect -> agent_snapshot: the agent's typed state from the type's on_inspect hook
///   (empty without one); an exception in the hook is answered with sec::runtime_error.
using agent_control = caf::typed_actor<
  caf::replies_to<suspend_atom>::with<ok_atom>, caf::replies_to<resume_atom>::with<ok_atom>,
  caf::replies_to<drain_atom, uint64_t>::with<ok_atom>,
  caf::replies_to<status_atom>::with<agent_status>,
  caf::replies_to<checkpoint_atom, std::string, std::string, std::string>::with<uint64_t>,
  caf::replies_to<restore_atom, std::string, std::string, std::string>::with<uint64_t>,
  caf::replies_to<restore_atom, uint64_t, std::string, std::string>::with<uint64_t>,
  caf::replies_to<wipe_atom, std::string, std::string>::with<uint64_t>,
  caf::replies_to<fork_atom, std::string, std::string, std::string>::with<uint64_t>,
  caf::replies_to<inspect_atom>::with<agent_snapshot>>;

/// The handle of an agent whose own interface is `Iface`.
template <class Iface>
using agent_handle = typename Iface::template extend_with<agent_control>;

/// Optional hooks. on_start runs inside the new actor before it becomes Active;
/// an error or std::exception there ends the actor with that error, which its
/// supervisor sees as a child exit (restart within intensity). on_stop runs
/// when the agent terminates. on_inspect (optional) renders the agent's state as a
/// protobuf message for admin tools (`smithctl inspect`), e.g.
/// `[](auto* self) { v1::CounterValue v; v.set_value(self->state.value); return snapshot_of(v); }`;
/// it runs on the agent, between messages, and should be cheap.
///
/// Event sourcing: with `apply` set and a journal in the agent's config, the agent's state is
/// rebuilt on every start (restore(latest snapshot), then apply(each later event)) before
/// on_start, and persist() appends events durably before applying them. A recovery error
/// (a damaged database, a hook's error) fails the start like an on_start error.
template <class Self>
struct agent_hooks {
  std::function<caf::error(Self*)> on_start;
  std::function<void(Self*)> on_stop;
  /// Folds one persisted event into `self->state`. Must accept every event the agent
  /// persisted: an error on a durable event fails the agent (it restarts and recovers).
  std::function<caf::error(Self*, std::string_view event)> apply;
  /// `self->state` as bytes, for snapshots; unset = never snapshot.
  std::function<std::string(Self*)> snapshot;
  /// Replaces `self->state` with a snapshot's bytes; needed when `snapshot` is set.
  std::function<caf::error(Self*, std::string_view state)> restore;
  /// After a wipe reset `self->state` to a default-constructed State: puts back what the agent
  /// keeps across wipes (its role, declared core knowledge). Unset = keep nothing.
  std::function<void(Self*)> on_wipe;
  /// The agent's state as a protobuf message for admin tools (smithctl inspect); unset =
  /// the agent exposes none.
  std::function<agent_snapshot(Self*)> on_inspect;
};

/// The actor class behind every SDK agent. `State` is default-constructed
/// per incarnation and reachable as `self->state`.
template <class Iface, class State>
class agent_actor : public agent_handle<Iface>::base, public core::inline_labelled {
public:
  using super = typename agent_handle<Iface>::base;
  using handle_type = agent_handle<Iface>;
  using behavior_fn = std::function<typename Iface::behavior_type(agent_actor*)>;
  using hooks_type = agent_hooks<agent_actor>;
  /// The behavior function and hooks, immutable and shared by every agent of a type.
  /// Reference-counted in itself: an agent holds one pointer to it, not a shared_ptr's two.
  struct code : caf::ref_counted {
    code(behavior_fn f, hooks_type h) : fn(std::move(f)), hooks(std::move(h)) {}
    behavior_fn fn;
    hooks_type hooks;
  };
  using code_ptr = caf::intrusive_ptr<const code>;
  using super::consume;

  /// No bytes for an empty State (a stateless agent), one actor of 100k alike.
  [[no_unique_address]] State state;

  /// An agent running `code` (never null), shared with its type's other agents. An
  /// agent_config converts to the agent_instance.
  agent_actor(caf::actor_config& cfg, agent_instance acfg, code_ptr code)
    : super(cfg), core_(std::move(acfg)), code_(std::move(code)) {
    if (core_.config().journal() && hooks().apply)
      core_.attach_journal(make_journal());
  }

  /// An agent with its own copy of `fn` and `hooks`.
  agent_actor(caf::actor_config& cfg, agent_instance acfg, behavior_fn fn, hooks_type hooks)
    : agent_actor(cfg, std::move(acfg),
                  code_ptr{caf::make_counted<code>(std::move(fn), std::move(hooks))}) {}

  const char* name() const override { return agent_core::actor_name; }

  /// "agent domain/type@version", naming the agent type in inline dispatch's warnings.
  std::string inline_label() const override {
    auto& c = core_.config();
    return "agent " + c.domain() + "/" + (c.type().empty() ? c.name() : c.type()) + "@"
           + c.version();
  }

  /// Hides local_actor's: the request being handled counts as in flight until the promise
  /// delivers (agent_core::tap_current), which drain and the in-flight counter rely on.
  template <class... Ts>
  auto make_response_promise() {
    core_.tap_current(this);
    return super::template make_response_promise<Ts...>();
  }

  /// Hides local_actor's untyped form, likewise.
  caf::response_promise make_response_promise() {
    core_.tap_current(this);
    return super::make_response_promise();
  }

  /// Hides local_actor's: a delegated request counts as in flight until it is answered.
  template <caf::message_priority P = caf::message_priority::normal, class Handle = caf::actor,
            class... Ts>
  auto delegate(const Handle& dest, Ts&&... xs) {
    core_.tap_current(this);
    return super::template delegate<P>(dest, std::forward<Ts>(xs)...);
  }

  /// Identity, capacity, incarnation and settings of this instance (name(), id(),
  /// settings(), ...; the pool's part is shared by its agents).
  const agent_instance& config() const noexcept { return core_.config(); }

  /// Persists `event`, then applies it (hooks.apply), then calls `done` with no error; on
  /// failure (storage error, full commit queue) calls `done` with the error and applies
  /// nothing. A non-empty `msg_id` makes it idempotent: a redelivered id is acknowledged
  /// without a second event. User messages wait until every pending persist is answered, so
  /// each command sees the state its predecessors persisted. An agent without a journal
  /// applies the event at once. `done` runs on this agent.
  void persist(std::string event, persist_done done, std::string msg_id = {}) {
    if (auto* j = core_.journal()) {
      j->append(this, std::move(event), std::move(msg_id), std::move(done));
      return;
    }
    auto err = hooks().apply ? hooks().apply(this, event) : caf::error{};
    done(err);
  }

  typename handle_type::behavior_type make_behavior() override {
    // One control handler set per agent type, shared by all its instances; the default
    // handler runs it (no per-agent or_else combinator).
    static caf::message_handler control
      = agent_core::control_handlers(&agent_actor::beat, &agent_actor::inspect_state);
    auto err = core_.start(
      this, [this] { return hooks().on_start ? hooks().on_start(this) : caf::error{}; }, &control);
    if (err) {
      this->quit(std::move(err));
      return unsafe(caf::behavior{});
    }
    register_self();
    auto user = code_->fn(this);
    return unsafe(std::move(user.unbox()));
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    if (core_.admit(this, *ptr, eu))
      super::enqueue(std::move(ptr), eu);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    return core_.consume(this, x, [this](caf::mailbox_element& y) { return super::consume(y); });
  }

  void on_exit() override {
    if (hooks().on_stop)
      hooks().on_stop(this);
    core_.stop(this, this->fail_state());
  }

  /// CAF's cleanup (once, for every way the agent ends: a quit, an exit message, kill, an
  /// unhandled exception, unreachable), then the exit report to the supervisor that started
  /// it (child_spec::reports_exit), in place of that supervisor's monitor.
  bool cleanup(caf::error&& fail_state, caf::execution_unit* host) override {
    if (!super::cleanup(std::move(fail_state), host))
      return false;
    core_.report_exit(this, host);
    return true;
  }

private:
  static constexpr auto registry_timeout = std::chrono::seconds{5};

  const hooks_type& hooks() const noexcept { return code_->hooks; }

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
                    self->core_.config().instance(), self->core_.load())
        .then([](ok_atom) {},
              [self](caf::error& err) {
                if (err == registry::registry_errc::unknown_agent)
                  self->register_self();
              });
    self->core_.schedule_heartbeat(self);
  }

  std::unique_ptr<agent_journal> make_journal() {
    agent_journal::hooks h;
    h.apply = [this](std::string_view e) { return hooks().apply(this, e); };
    if (hooks().snapshot)
      h.snapshot = [this] { return hooks().snapshot(this); };
    if (hooks().restore)
      h.restore = [this](std::string_view x) { return hooks().restore(this, x); };
    h.reset = [this] {
      state = State{};
      if (hooks().on_wipe)
        hooks().on_wipe(this);
    };
    auto& cfg = core_.config();
    return std::make_unique<agent_journal>(cfg.journal(), journal_key(cfg.domain(), cfg.name()),
                                           std::move(h));
  }

  /// The inspect hook's answer (empty without a hook); exceptions are the core's to catch.
  static agent_snapshot inspect_state(caf::scheduled_actor* base) {
    auto self = static_cast<agent_actor*>(base);
    return self->hooks().on_inspect ? self->hooks().on_inspect(self) : agent_snapshot{};
  }

  static typename handle_type::behavior_type unsafe(caf::behavior bhvr) {
    using bt = typename handle_type::behavior_type;
    return bt{typename bt::unsafe_init{}, std::move(bhvr)};
  }

  agent_core core_;
  code_ptr code_;

};

/// Spawns one agent. The caller (usually a supervisor) owns the handle.
template <class Iface, class State>
agent_handle<Iface> spawn_agent(caf::actor_system& sys, agent_config cfg,
                                typename agent_actor<Iface, State>::behavior_fn fn,
                                typename agent_actor<Iface, State>::hooks_type hooks = {}) {
  return sys.spawn<agent_actor<Iface, State>>(std::move(cfg), std::move(fn), std::move(hooks));
}

} // namespace smith::agent
