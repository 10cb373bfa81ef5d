// An agent's control messages: suspend and resume, drain with a deadline, status, inspect.
#include "runtime/agent/agent_core.hpp"

#include <exception>
#include <string>

#include <caf/all.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/core/shutdown.hpp"

namespace smith::agent {

caf::error agent_core::suspend(caf::scheduled_actor* self) {
  // The FSM's draining -> suspended move is for a drained agent that is
  // parked by its owner; a client may only suspend an active agent.
  if (lifecycle_.state() != lifecycle_state::active)
    return caf::make_error(agent_errc::illegal_transition,
                           std::string{"cannot suspend an agent that is "}
                             + to_string(lifecycle_.state()));
  if (auto err = transition(self, lifecycle_state::suspended, "suspend"))
    return err;
  suspended_ = true;
  notify_state(self);
  return {};
}

caf::error agent_core::resume(caf::scheduled_actor* self) {
  if (auto err = transition(self, lifecycle_state::active, "resume"))
    return err;
  suspended_ = false; // held messages are retried after this one is consumed
  notify_state(self);
  return {};
}

caf::error agent_core::begin_drain(caf::scheduled_actor* self, uint64_t deadline_ms,
                                   std::string why) {
  if (lifecycle_.state() == lifecycle_state::draining) {
    // A drain with a deadline after one without (e.g. after the supervisor's shutdown) still
    // bounds it: the earliest deadline wins.
    if (deadline_ms > 0)
      caf::delayed_anon_send<caf::message_priority::high>(
        caf::actor_cast<caf::actor>(self), std::chrono::milliseconds{deadline_ms},
        drain_deadline_atom::value);
    return {};
  }
  if (auto err = transition(self, lifecycle_state::draining, why))
    return err;
  suspended_ = false;
  draining_.store(true, std::memory_order_release);
  notify_state(self);
  if (meter_.queued.load(std::memory_order_acquire) == 0) {
    finish_drain(self, std::move(why));
    return {};
  }
  if (deadline_ms > 0)
    // Urgent: the deadline must not queue behind the work it cuts off.
    caf::delayed_anon_send<caf::message_priority::high>(caf::actor_cast<caf::actor>(self),
                           std::chrono::milliseconds{deadline_ms}, drain_deadline_atom::value);
  return {};
}

void agent_core::finish_drain(caf::scheduled_actor* self, std::string why) {
  self->quit(shutdown_reason(std::move(why)));
}

namespace {

caf::result<ok_atom> control_ok_or(caf::error err) {
  if (err)
    return err;
  return ok_atom::value;
}

} // namespace

caf::message_handler agent_core::control_handlers(beat_fn beat, inspect_fn inspect) {
  // No captures of an agent: one handler set serves every agent of a type, which finds
  // itself through current() (set by consume around each message).
  caf::message_handler lifecycle_ops{
    [](suspend_atom) { auto [self, core] = current(); return control_ok_or(core->suspend(self)); },
    [](resume_atom) { auto [self, core] = current(); return control_ok_or(core->resume(self)); },
    [](drain_atom, uint64_t deadline_ms) {
      auto [self, core] = current();
      return control_ok_or(core->begin_drain(self, deadline_ms, "drain requested"));
    },
    [](status_atom) { return current().core->status(); },
    [](drain_deadline_atom) { current().core->on_drain_deadline(current().self); },
    [beat](beat_tick_atom) { beat(current().self); },
    [](persisted_atom, uint64_t seq, bool duplicate, bool snapshot_due) {
      auto [self, core] = current();
      core->on_persisted(self, {}, seq, duplicate, snapshot_due);
    },
    [](persisted_atom, caf::error& err) {
      auto [self, core] = current();
      core->on_persisted(self, std::move(err), 0, false, false);
    },
    [inspect](inspect_atom) -> caf::result<agent_snapshot> {
      auto [self, core] = current();
      return core->inspect_with(self, inspect);
    },
  };
  return lifecycle_ops.or_else(memory_handlers());
}

void agent_core::on_drain_deadline(caf::scheduled_actor* self) {
  if (lifecycle_.state() == lifecycle_state::draining)
    self->quit(shutdown_reason("drain deadline passed with "
                               + std::to_string(meter_.queued.load()) + " messages pending"));
}

caf::result<agent_snapshot> agent_core::inspect_with(caf::scheduled_actor* self,
                                                     inspect_fn inspect) {
  try {
    return inspect(self);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error,
                           cfg_.qualified_name() + ": inspect hook threw: " + e.what());
  }
}

} // namespace smith::agent
