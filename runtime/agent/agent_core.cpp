// Shared agent machinery: the mailbox gate, lifecycle, handlers and control messages.
#include "runtime/agent/agent_core.hpp"

#include <caf/all.hpp>
#include <caf/detail/default_invoke_result_visitor.hpp>
#include <spdlog/spdlog.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::agent {

namespace {

/// An atom's 64-bit code: atom_value is an enum without enumerators, so a switch needs these.
constexpr uint64_t atom_code(caf::atom_value x) {
  return static_cast<uint64_t>(x);
}

bool is_control_atom(caf::atom_value x) {
  switch (atom_code(x)) { // a decision tree: asked for every message an agent receives
    case atom_code(suspend_atom::value):
    case atom_code(resume_atom::value):
    case atom_code(drain_atom::value):
    case atom_code(status_atom::value):
    case atom_code(drain_deadline_atom::value):
    case atom_code(beat_tick_atom::value):
    case atom_code(persisted_atom::value):
    case atom_code(checkpoint_atom::value):
    case atom_code(restore_atom::value):
    case atom_code(wipe_atom::value):
    case atom_code(fork_atom::value):
    case atom_code(inspect_atom::value):
    case atom_code(caf::sys_atom::value):
      return true;
    default:
      return false;
  }
}

std::string describe(std::exception_ptr& ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "non-standard exception";
  }
}

void bounce(caf::scheduled_actor* self, caf::mailbox_element& x, caf::execution_unit* eu,
            caf::error err) {
  if (x.mid.is_request() && x.sender)
    x.sender->enqueue(caf::make_mailbox_element(caf::strong_actor_ptr{self->ctrl()},
                                                x.mid.response_id(), {}, std::move(err)),
                      eu);
}

} // namespace

agent_core::agent_core(agent_instance cfg)
  : cfg_(std::move(cfg)) {
  agent_meters::instance().attach(meter_, cfg_.domain(), cfg_.type());
}

bool agent_core::is_user_message(const caf::mailbox_element& x) {
  if (x.mid.is_response() || !x.mid.is_normal_message())
    return false;
  // Hot path (twice per message): the content's type token answers both questions with
  // one virtual call. It holds six bits per element type under a prefix of ones, so the
  // first element's type is still in it for up to five elements.
  constexpr uint32_t system_tokens[] = {
    caf::make_type_token<caf::exit_msg>(), caf::make_type_token<caf::down_msg>(),
    caf::make_type_token<caf::error>(), caf::make_type_token<caf::timeout_msg>()};
  constexpr uint32_t atom_nr = caf::type_nr<caf::atom_value>::value;
  static_assert(atom_nr > 0 && atom_nr < 64);
  auto& c = x.content();
  auto n = c.size();
  if (n == 0)
    return true;
  auto token = c.type_token();
  if (n == 1)
    for (auto t : system_tokens)
      if (token == t)
        return false;
  bool atom_first = n <= 5 ? ((token >> (6 * (n - 1))) & 0x3F) == atom_nr
                           : c.match_element<caf::atom_value>(0);
  return !(atom_first && is_control_atom(c.get_as<caf::atom_value>(0)));
}

bool agent_core::admit(caf::scheduled_actor* self, caf::mailbox_element& x,
                       caf::execution_unit* eu) {
  if (!is_user_message(x))
    return true;
  if (draining_.load(std::memory_order_acquire)) {
    meter_.rejected_draining.fetch_add(1, std::memory_order_relaxed);
    bounce(self, x, eu,
           caf::make_error(agent_errc::draining, cfg_.qualified_name() + " is draining"));
    return false;
  }
  if (meter_.queued.fetch_add(1, std::memory_order_acq_rel) >= cfg_.mailbox_capacity()) {
    meter_.queued.fetch_sub(1, std::memory_order_acq_rel);
    auto n = meter_.rejected_overloaded.fetch_add(1, std::memory_order_relaxed);
    // Rate-limited: the first and then every 1000th refusal of any kind.
    if (!x.mid.is_request() && n % 1000 == 0)
      spdlog::warn("agent {}: mailbox full (capacity {}), dropped an asynchronous message "
                   "({} refused so far)",
                   cfg_.qualified_name(), cfg_.mailbox_capacity(), n + 1);
    bounce(self, x, eu,
           caf::make_error(agent_errc::overloaded,
                           cfg_.qualified_name() + " mailbox full (capacity "
                             + std::to_string(cfg_.mailbox_capacity()) + ")"));
    return false;
  }
  keep_trace(x);
  return true;
}

void agent_core::after_user_message(caf::scheduled_actor* self, caf::invoke_message_result res) {
  auto left = meter_.queued.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (res == caf::invoke_message_result::consumed) {
    meter_.handled.fetch_add(1, std::memory_order_relaxed);
  }
  if (left == 0 && draining_.load(std::memory_order_acquire)
      && lifecycle_.state() == lifecycle_state::draining)
    finish_drain(self, "drained");
}

caf::error agent_core::start(caf::scheduled_actor* self,
                             const std::function<caf::error()>& on_start,
                             caf::message_handler* control) {
  self->set_exception_handler([this](caf::scheduled_actor*, std::exception_ptr& ep) {
    auto what = describe(ep);
    meter_.errors.fetch_add(1, std::memory_order_relaxed);
    note_error("handler threw: " + what);
    // Runs inside the handler's trace scope: the line carries the request's trace id.
    spdlog::warn("agent {}: handler threw: {}", cfg_.qualified_name(), what);
    return caf::make_error(agent_errc::handler_exception, cfg_.qualified_name() + ": " + what);
  });
  self->set_default_handler([this, control](caf::scheduled_actor* s, caf::message_view& x)
                              -> caf::result<caf::message> {
    // What or_else(control) did: the same visitor answers a match (or its promise does).
    caf::detail::default_invoke_result_visitor<caf::scheduled_actor> visitor{s};
    switch ((*control)(visitor, x.content())) {
      case caf::match_case::match:
        return caf::delegated<caf::message>{}; // answered (or to be) already
      case caf::match_case::skip:
        return caf::skip;
      default:
        break;
    }
    ++extra().unexpected;
    meter_.errors.fetch_add(1, std::memory_order_relaxed);
    auto what = "no handler for " + caf::to_string(x.content());
    note_error(what);
    return caf::make_error(agent_errc::unexpected_message, cfg_.qualified_name() + ": " + what);
  });
  self->set_exit_handler([this](caf::scheduled_actor* s, caf::exit_msg& em) {
    if (!em.reason)
      return; // normal exits of linked actors do not concern us
    if (is_shutdown(em.reason) && !suspended_ && !begin_drain(s, 0, "drained on shutdown"))
      return; // graceful: finish accepted work, then exit `shutdown`
    s->quit(em.reason);
  });
  transition(self, lifecycle_state::registering);
  caf::error err;
  try {
    if (auto* j = journal(); j && (err = j->recover())) {
      note_error("recovery from the journal failed: " + caf::to_string(err));
      return err;
    }
    err = on_start ? on_start() : caf::error{};
  } catch (const std::exception& e) {
    err = caf::make_error(agent_errc::start_failed, std::string{"on_start threw: "} + e.what());
  }
  if (err)
    note_error("on_start failed");
  return err;
}

void agent_core::stop(caf::scheduled_actor* self, const caf::error& reason) {
  transition(self, lifecycle_state::terminated,
                        reason ? self->home_system().render(reason) : "normal");
  // Its counts stay in its type's totals.
  agent_meters::instance().detach(meter_, cfg_.domain(), cfg_.type());
  // The registry also notices through its monitor; telling it directly
  // shortens the time in which discovery may still return this agent.
  if (registered_)
    if (auto reg = find_registry(self))
      caf::anon_send(reg, registry::deregister_atom::value, cfg_.instance());
}

void agent_core::report_exit(caf::scheduled_actor* self, caf::execution_unit* host) const {
  if (cfg_.supervisor())
    supervision::report_child_exit(cfg_.supervisor(), self->address(), cfg_.name(),
                                   self->fail_state(), host);
}

void agent_core::note_error(std::string what) {
  extra().last_error = std::move(what);
}

agent_core::extras& agent_core::extra() {
  if (!extras_)
    extras_ = std::make_unique<extras>();
  return *extras_;
}

const std::string& agent_core::last_error() const noexcept {
  static const std::string none;
  return extras_ ? extras_->last_error : none;
}

int64_t agent_core::now_ns(caf::scheduled_actor* self) const {
  auto t = self->clock().now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
}

agent_status agent_core::status() const {
  agent_status st{cfg_.id(), lifecycle_.state(), cfg_.mailbox_capacity(), {}, lifecycle_.history()};
  st.counters.handled = meter_.handled.load(std::memory_order_relaxed);
  st.counters.errors = meter_.errors.load(std::memory_order_relaxed);
  st.counters.unexpected = extras_ ? extras_->unexpected : 0;
  st.counters.restarts = cfg_.incarnation() > 0 ? cfg_.incarnation() - 1 : 0;
  st.counters.last_error = last_error();
  st.counters.rejected_overloaded = meter_.rejected_overloaded.load(std::memory_order_relaxed);
  st.counters.rejected_draining = meter_.rejected_draining.load(std::memory_order_relaxed);
  st.counters.mailbox_depth = meter_.queued.load(std::memory_order_relaxed);
  st.counters.in_flight = in_flight();
  return st;
}

agent_core::running& agent_core::current() noexcept {
  // initial-exec: the runtime is loaded at start (never dlopen'ed), and this is read on
  // every message; the default model calls __tls_get_addr each time.
  thread_local running cur __attribute__((tls_model("initial-exec")));
  return cur;
}

void agent_core::on_persisted(caf::scheduled_actor* self, caf::error err, uint64_t seq,
                              bool duplicate, bool snapshot_due) {
  auto* j = journal();
  if (j == nullptr)
    return;
  if (err) {
    meter_.errors.fetch_add(1, std::memory_order_relaxed);
    note_error("persist failed: " + caf::to_string(err));
  }
  if (auto failed = j->on_persisted(std::move(err), seq, duplicate, snapshot_due)) {
    note_error("applying a persisted event failed: " + caf::to_string(failed));
    self->quit(std::move(failed)); // durable but not applicable: restart and recover
  }
}

} // namespace smith::agent
