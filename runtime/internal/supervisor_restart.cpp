// Supervisor state: restart decisions, strategies, ordered termination and shutdown.
#include "runtime/internal/supervisor_state.hpp"

#include <caf/send.hpp>

#include "runtime/supervision/supervision_errc.hpp"

namespace smith::supervision::internal {

caf::error supervisor_state::start_one(child_record& c, bool is_restart) {
  auto inc = c.incarnation + 1;
  start_context ctx{self_->system(), caf::actor_cast<caf::actor>(self_), c.id, inc,
                    spec_.path};
  // Made from start's own answer: no placeholder error (a heap block made and freed per start).
  auto res = [&]() -> caf::expected<caf::actor> {
    try {
      return c.spec->start(ctx);
    } catch (const std::exception& e) {
      return caf::make_error(supervision_errc::start_failed,
                             std::string{"start threw: "} + e.what());
    } catch (...) {
      return caf::make_error(supervision_errc::start_failed,
                             "start threw a non-standard exception");
    }
  }();
  if (res && !*res)
    res = caf::make_error(supervision_errc::start_failed, "start returned an invalid handle");
  if (!res) {
    emit(event_kind::start_failed, c.id, describe(res.error()), c.incarnation);
    return std::move(res.error());
  }
  set_handle(c, std::move(*res));
  c.incarnation = inc;
  c.status = child_status::running;
  c.started_at = now();
  if (is_restart)
    ++c.restarts;
  // Monitoring reports every exit; no link (see records_ in the header). A child that
  // reports its own exit (an agent) sends child_down instead: no attachable, no index entry.
  if (!c.spec->reports_exit)
    self_->monitor(c.handle);
  emit(is_restart ? event_kind::child_restarted : event_kind::child_started, c.id, {}, inc);
  return {};
}

void supervisor_state::handle_exit(child_record& c, caf::error reason) {
  // OTP do_restart/4: permanent always; transient unless normal or shutdown.
  bool clean = !reason || is_shutdown(reason);
  if (c.spec->restart == restart_type::permanent
      || (c.spec->restart == restart_type::transient && !clean)) {
    restart(c);
    return;
  }
  del_child_and_maybe_shutdown(c);
}

void supervisor_state::del_child_and_maybe_shutdown(child_record& c) {
  bool significant = c.spec->significant;
  auto id = c.id;
  if (c.spec->restart == restart_type::temporary)
    erase(id);
  if (!significant || spec_.flags.auto_shutdown_ == auto_shutdown::never)
    return;
  if (spec_.flags.auto_shutdown_ == auto_shutdown::all_significant) {
    for (auto& other : children_)
      if (other.spec->significant && other.status != child_status::undefined)
        return; // a significant child is still alive or coming back
  }
  emit(event_kind::auto_shutdown, id, "significant child terminated", 0);
  begin_shutdown(shutdown_reason("auto_shutdown"), false);
}

void supervisor_state::restart(child_record& c) {
  if (!window_.add(now())) {
    emit(event_kind::gave_up, c.id,
         "reached_max_restart_intensity (intensity " + std::to_string(window_.intensity())
           + " within " + std::to_string(window_.period().count()) + " ms)",
         c.incarnation);
    begin_shutdown(shutdown_reason("reached_max_restart_intensity"),
                   true);
    return;
  }
  if (!c.spec->backoff.enabled()) {
    restart_with_strategy(c);
    return;
  }
  if (now() - c.started_at >= c.spec->backoff.reset_after)
    c.backoff_attempt = 0;
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto delay = backoff_delay(c.spec->backoff, c.backoff_attempt++, unit(rng_));
  c.status = child_status::restarting;
  emit(event_kind::restart_delayed, c.id, "backoff " + std::to_string(delay.count()) + " ms",
       c.incarnation);
  self_->delayed_send(self_, delay, try_again_atom::value, c.id, c.incarnation, false);
}

void supervisor_state::on_try_again(const std::string& id, uint64_t incarnation,
                                    bool consume_intensity) {
  auto* c = find(id);
  if (c == nullptr || c->incarnation != incarnation || c->status != child_status::restarting)
    return; // cancelled by terminate_child or superseded
  if (busy()) {
    when_idle([=, this] { on_try_again(id, incarnation, consume_intensity); });
    return;
  }
  if (consume_intensity && !window_.add(now())) {
    emit(event_kind::gave_up, id, "reached_max_restart_intensity while restarting", incarnation);
    begin_shutdown(shutdown_reason("reached_max_restart_intensity"),
                   true);
    return;
  }
  restart_with_strategy(*c);
}

void supervisor_state::restart_with_strategy(child_record& c) {
  auto idx = static_cast<size_t>(&c - children_.data());
  switch (spec_.flags.strategy_) {
    case strategy::one_for_one:
      if (start_one(c, true))
        schedule_retry(c);
      return;
    case strategy::rest_for_one:
      plan_terminate_range(idx + 1, children_.size());
      plan_start_range(idx, children_.size());
      break;
    case strategy::one_for_all:
      plan_terminate_range(0, children_.size());
      plan_start_range(0, children_.size());
      break;
  }
  run_plan();
}

void supervisor_state::schedule_retry(child_record& c) {
  // OTP try_again_restart: retry later through our mailbox so that we stay
  // responsive; every retry consumes intensity, so a failing child cannot spin.
  c.status = child_status::restarting;
  std::chrono::milliseconds delay{0};
  if (c.spec->backoff.enabled()) {
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    delay = backoff_delay(c.spec->backoff, c.backoff_attempt++, unit(rng_));
  }
  if (delay.count() == 0)
    self_->send(self_, try_again_atom::value, c.id, c.incarnation, true);
  else
    self_->delayed_send(self_, delay, try_again_atom::value, c.id, c.incarnation, true);
}

void supervisor_state::plan_terminate_range(size_t first, size_t last_excl) {
  for (size_t i = last_excl; i-- > first;)
    if (children_[i].status == child_status::running)
      plan_.push_back({plan_step::kind::terminate, children_[i].id, {}});
}

void supervisor_state::plan_start_range(size_t first, size_t last_excl) {
  for (size_t i = first; i < last_excl; ++i)
    if (children_[i].spec->restart != restart_type::temporary)
      plan_.push_back({plan_step::kind::start, children_[i].id, {}});
}

bool supervisor_state::begin_terminate(child_record& c) {
  c.status = child_status::terminating;
  c.remove_after_terminate = c.spec->restart == restart_type::temporary;
  awaiting_ = c.id;
  switch (c.spec->shutdown.kind) {
    case shutdown_spec::mode::brutal_kill:
      self_->send_exit(c.handle, caf::exit_reason::kill);
      break;
    case shutdown_spec::mode::timeout:
      self_->send_exit(c.handle, caf::exit_reason::user_shutdown);
      self_->delayed_send(self_, c.spec->shutdown.timeout, shutdown_timeout_atom::value,
                          c.id, c.incarnation);
      break;
    case shutdown_spec::mode::infinity:
      self_->send_exit(c.handle, caf::exit_reason::user_shutdown);
      break;
  }
  return true;
}

void supervisor_state::finish_terminate(child_record& c, const caf::error& reason) {
  emit(event_kind::child_terminated, c.id, describe(reason), c.incarnation);
  set_handle(c, nullptr);
  c.status = child_status::undefined;
  awaiting_.clear();
  if (c.remove_after_terminate)
    erase(c.id);
}

void supervisor_state::run_plan() {
  if (!awaiting_.empty())
    return; // resumed by on_down of the child we wait for
  while (!plan_.empty()) {
    auto step = std::move(plan_.front());
    plan_.pop_front();
    auto* c = step.id.empty() ? nullptr : find(step.id);
    switch (step.what) {
      case plan_step::kind::terminate:
        if (c != nullptr && c->status == child_status::running && begin_terminate(*c))
          return;
        break;
      case plan_step::kind::start:
        if (c != nullptr && c->status != child_status::running && start_one(*c, true))
          abort_starts_after_failure(*c);
        break;
      case plan_step::kind::run:
        step.fn();
        break;
      case plan_step::kind::quit:
        if (escalating_)
          emit(event_kind::escalated, {}, describe(shutdown_reason_), 0);
        self_->quit(shutdown_reason_);
        return;
    }
  }
  drain_deferred();
}

void supervisor_state::abort_starts_after_failure(child_record& failed) {
  // OTP start_children aborts at the first failure and retries that child later.
  plan_.erase(std::remove_if(plan_.begin(), plan_.end(),
                             [](const plan_step& s) { return s.what == plan_step::kind::start; }),
              plan_.end());
  schedule_retry(failed);
}

void supervisor_state::begin_shutdown(caf::error reason, bool escalate) {
  if (shutting_down_)
    return;
  shutting_down_ = true;
  escalating_ = escalate;
  shutdown_reason_ = std::move(reason);
  plan_.clear();
  plan_terminate_range(0, children_.size());
  plan_.push_back({plan_step::kind::quit, {}, {}});
  // Requests parked behind a plan now see shutting_down_ and fail explicitly.
  auto parked = std::move(deferred_requests_);
  for (auto& fn : parked)
    fn();
  run_plan();
}

void supervisor_state::drain_deferred() {
  while (!busy() && !deferred_exits_.empty()) {
    auto ex = std::move(deferred_exits_.front());
    deferred_exits_.pop_front();
    auto* c = find(ex.id);
    if (c != nullptr && c->incarnation == ex.incarnation && c->status == child_status::undefined)
      handle_exit(*c, std::move(ex.reason));
  }
  while (!busy() && !deferred_requests_.empty()) {
    auto fn = std::move(deferred_requests_.front());
    deferred_requests_.pop_front();
    fn();
  }
}

} // namespace smith::supervision::internal
