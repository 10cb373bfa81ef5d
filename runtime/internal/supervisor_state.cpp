// Supervisor state: setup, OTP operations and signal handling.
#include "runtime/internal/supervisor_state.hpp"

#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include "runtime/core/shutdown.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith::supervision::internal {

namespace {

caf::error errc(supervision_errc code, const std::string& id) {
  return caf::make_error(code, "child '" + id + "'");
}

} // namespace

supervisor_state::supervisor_state(self_pointer self) : self_(self) {
  // nop
}

supervisor_state::~supervisor_state() {
  for (auto& c : children_)
    c.spec.reset();
}

void supervisor_state::init(supervisor_spec spec, supervisor_options opts) {
  spec_ = std::move(spec);
  opts_ = std::move(opts);
  window_ = restart_window{spec_.flags.intensity, spec_.flags.period};
  // OTP links children to their supervisor so that they die with it. Here a
  // cleanup functor does that for any way this supervisor ends (crash, kill),
  // sending each running child an exit with our reason.
  self_->attach_functor([records = records_, me = self_->address()](const caf::error& reason) {
    auto why = reason ? reason : shutdown_reason("supervisor ended");
    for (auto& c : *records)
      if (c.handle)
        caf::anon_send(c.handle, caf::exit_msg{me, why});
  });
  rng_.seed(opts_.seed != 0 ? opts_.seed : std::random_device{}());
  // Sized once: a pool supervisor starts all its children here (no rehash while it grows).
  auto n = spec_.children.size();
  for (auto& g : spec_.groups)
    n += g.ids.size();
  children_.reserve(n);
  by_id_.reserve(n);
  for (auto& cs : spec_.children)
    append(std::move(cs));
  for (auto& g : spec_.groups)
    append_group(std::move(g));
  // The records own the specs from here on.
  std::vector<child_spec>{}.swap(spec_.children);
  std::vector<child_group>{}.swap(spec_.groups);
  for (auto& c : children_) {
    if (auto err = start_one(c, false)) {
      // OTP: a failed initial start stops what was started and fails the supervisor.
      begin_shutdown(caf::make_error(supervision_errc::start_failed,
                                     "child '" + c.id + "': " + describe(err)),
                     true);
      return;
    }
  }
}

caf::expected<caf::actor> supervisor_state::start_child(child_spec spec) {
  if (shutting_down_)
    return errc(supervision_errc::shutting_down, spec.id);
  if (auto err = validate(spec, spec_.flags))
    return err;
  if (auto* c = find(spec.id))
    return errc(c->status == child_status::running ? supervision_errc::already_started
                                                   : supervision_errc::already_present,
                spec.id);
  auto& c = append(std::move(spec));
  if (auto err = start_one(c, false)) {
    erase(c.id); // OTP does not keep the spec of a child that failed to start
    return err;
  }
  return c.handle;
}

void supervisor_state::terminate_child(const std::string& id,
                                       caf::typed_response_promise<ok_atom> rp) {
  if (shutting_down_) {
    rp.deliver(errc(supervision_errc::shutting_down, id));
    return;
  }
  auto* c = find(id);
  if (c == nullptr) {
    rp.deliver(errc(supervision_errc::not_found, id));
    return;
  }
  if (c->status == child_status::restarting) {
    c->status = child_status::undefined; // cancels the pending restart
    if (c->spec->restart == restart_type::temporary)
      erase(id);
    rp.deliver(ok_atom::value);
    return;
  }
  if (c->status != child_status::running) {
    rp.deliver(ok_atom::value);
    return;
  }
  plan_.push_back({plan_step::kind::terminate, id, {}});
  plan_.push_back({plan_step::kind::run, {}, [rp]() mutable { rp.deliver(ok_atom::value); }});
  run_plan();
}

caf::expected<child_record*> supervisor_state::stopped_child(const std::string& id) {
  // OTP's shared error cases of restart_child and delete_child.
  if (shutting_down_)
    return errc(supervision_errc::shutting_down, id);
  auto* c = find(id);
  if (c == nullptr)
    return errc(supervision_errc::not_found, id);
  if (c->status == child_status::running || c->status == child_status::terminating)
    return errc(supervision_errc::running, id);
  if (c->status == child_status::restarting)
    return errc(supervision_errc::restarting, id);
  return c;
}

caf::expected<caf::actor> supervisor_state::restart_child(const std::string& id) {
  auto c = stopped_child(id);
  if (!c)
    return std::move(c.error());
  if (auto err = start_one(**c, true))
    return err;
  return (*c)->handle;
}

caf::expected<ok_atom> supervisor_state::delete_child(const std::string& id) {
  auto c = stopped_child(id);
  if (!c)
    return std::move(c.error());
  erase(id);
  return ok_atom::value;
}

std::vector<child_info> supervisor_state::which_children() const {
  std::vector<child_info> out;
  out.reserve(children_.size());
  for (auto& c : children_)
    out.push_back(child_info{c.id, c.handle, c.spec->type, c.status, c.spec->restart,
                             c.incarnation, c.restarts});
  return out;
}

child_counts supervisor_state::count_children() const {
  child_counts n;
  for (auto& c : children_) {
    ++n.specs;
    if (c.status == child_status::running)
      ++n.active;
    if (c.spec->type == child_type::supervisor)
      ++n.supervisors;
    else
      ++n.workers;
  }
  return n;
}

caf::result<caf::actor> supervisor_state::get_child(const std::string& id) const {
  auto* c = find(id);
  if (c == nullptr)
    return errc(supervision_errc::not_found, id);
  if (c->status == child_status::restarting)
    return errc(supervision_errc::restarting, id);
  if (c->status != child_status::running)
    return errc(supervision_errc::not_running, id);
  return c->handle;
}

std::vector<supervisor_event> supervisor_state::events() const {
  std::vector<supervisor_event> out;
  out.reserve(events_.size());
  auto head = events_.begin() + static_cast<ptrdiff_t>(events_head_);
  out.insert(out.end(), head, events_.end());
  out.insert(out.end(), events_.begin(), head);
  return out;
}

void supervisor_state::on_down(const caf::down_msg& msg) {
  if (auto* c = find(msg.source))
    child_exited(*c, msg.reason);
  // else: not (or no longer) a child of ours
}

void supervisor_state::on_child_down(const caf::actor_addr& who, const std::string& id,
                                     const caf::error& reason) {
  auto* c = find(id);
  if (c != nullptr && c->spec->reports_exit && c->handle && c->handle.address() == who)
    child_exited(*c, reason);
  // else: an earlier incarnation, a child that failed to start, or not ours
}

void supervisor_state::child_exited(child_record& c, const caf::error& reason) {
  if (c.status == child_status::terminating) {
    finish_terminate(c, reason);
    run_plan();
    return;
  }
  set_handle(c, nullptr);
  c.status = child_status::undefined;
  emit(event_kind::child_exited, c.id, describe(reason), c.incarnation);
  if (busy()) {
    deferred_exits_.push_back({c.id, c.incarnation, reason});
    return;
  }
  handle_exit(c, reason);
}

void supervisor_state::on_exit(const caf::exit_msg& msg) {
  // Child exits are handled through monitoring (on_down). Only the parent,
  // an anonymous exit (anon_send_exit) or ourselves may stop us; exits from
  // other linked actors are ignored, as OTP supervisors do.
  bool from_parent = msg.source == opts_.parent || msg.source == self_->address()
                     || !msg.source;
  if (from_parent && msg.reason)
    begin_shutdown(msg.reason, false);
}

void supervisor_state::on_shutdown_timeout(const std::string& id, uint64_t incarnation) {
  auto* c = find(id);
  if (c != nullptr && c->status == child_status::terminating && c->incarnation == incarnation)
    self_->send_exit(c->handle, caf::exit_reason::kill);
}

caf::expected<caf::actor> supervisor_state::clone_child(const std::string& from,
                                                        const std::string& to) {
  auto* c = find(from);
  if (c == nullptr)
    return errc(supervision_errc::not_found, from);
  auto spec = *c->spec;
  spec.id = to;
  return start_child(std::move(spec));
}

void supervisor_state::when_idle(std::function<void()> fn) {
  if (busy() && !shutting_down_)
    deferred_requests_.push_back(std::move(fn));
  else
    fn();
}

void supervisor_state::emit(event_kind kind, const std::string& child, std::string reason,
                            uint64_t inc) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now().time_since_epoch());
  if (opts_.event_capacity == 0) {
    if (opts_.event_sink)
      self_->send(opts_.event_sink,
                  supervisor_event{kind, spec_.path, child, std::move(reason), inc, ns.count()});
    return;
  }
  supervisor_event* ev = nullptr;
  if (events_.size() < opts_.event_capacity) {
    ev = &events_.emplace_back();
  } else {
    ev = &events_[events_head_];
    events_head_ = (events_head_ + 1) % events_.size();
  }
  ev->kind = kind;
  ev->supervisor = spec_.path;
  ev->child_id = child;
  ev->reason = std::move(reason);
  ev->incarnation = inc;
  ev->monotonic_ns = ns.count();
  if (opts_.event_sink)
    self_->send(opts_.event_sink, *ev);
}

restart_window::time_point supervisor_state::now() const {
  return self_->clock().now();
}

std::string supervisor_state::describe(const caf::error& err) const {
  return describe_reason(self_->system(), err);
}

} // namespace smith::supervision::internal
