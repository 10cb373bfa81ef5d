// Requests for one directly subscribed agent, answered without passing through the bridge.
#include "actors/bridge/direct_responder.hpp"

#include <vector>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/log/trace_context.hpp"
#include "runtime/metrics/latency_histogram.hpp"

namespace smith::actors {

namespace {

using std::chrono::steady_clock;

/// How often waiting requests are checked against their deadlines (at most).
constexpr auto direct_sweep_period = std::chrono::milliseconds{100};

} // namespace

bridge::endpoint_stat& endpoint_stat_table::at(const std::string& key) {
  auto& s = stats[key];
  if (s.subject.empty())
    s.subject = "agents." + key;
  return s;
}

void endpoint_stat_table::count(const std::string& key, int64_t ns, const std::string& error) {
  std::lock_guard guard{mtx};
  auto& s = at(key);
  ++s.requests;
  s.processing_ns += ns;
  metrics::observe_latency(s.latency_counts, ns);
  if (!error.empty()) {
    ++s.errors;
    s.last_error = error;
  }
}

direct_responder::direct_responder(caf::actor_system& sys, context ctx, std::string domain,
                                   std::string name)
  : sys_(&sys), ctx_(std::move(ctx)), domain_(std::move(domain)), name_(std::move(name)) {
  // nop: the companion is made for the first request
}

direct_responder::~direct_responder() {
  if (companion_) {
    // actor_companion::disconnect is declared but not exported by libcaf_core 0.17.6: drop
    // the handler (responses arriving later are discarded), then terminate the companion.
    companion_->on_enqueue({});
    companion_->cleanup(caf::make_error(caf::exit_reason::normal), nullptr);
  }
}

caf::strong_actor_ptr direct_responder::companion() {
  if (!companion_) {
    caf::actor_config cfg;
    companion_ref_ = caf::make_actor<caf::actor_companion, caf::strong_actor_ptr>(
      sys_->next_actor_id(), sys_->node(), sys_, cfg);
    companion_ = static_cast<caf::actor_companion*>(
      caf::actor_cast<caf::abstract_actor*>(companion_ref_));
    // Runs on the thread of whoever answers (the agent's worker); `this` outlives the
    // handler (the destructor disconnects it first).
    companion_->on_enqueue([this](caf::mailbox_element_ptr ptr) { on_response(ptr); });
  }
  return companion_ref_;
}

bool direct_responder::handle(const caf::actor& agent, const agent::endpoint& ep,
                              bridge::inbound_request& req) {
  if (!ep.send_request || !ep.read_reply || req.reply.empty())
    return false;
  auto now = steady_clock::now();
  sweep(now);
  auto deadline = req.deadline.value_or(bridge::wall_time::max());
  auto key = domain_ + "." + name_ + "." + req.target.action;
  waiting w{std::move(req.reply), std::move(req.msg_id), req.traceparent, &ep, std::move(key),
            req.target.action, now, deadline};
  if (deadline <= std::chrono::system_clock::now()) {
    answer(w, caf::make_error(bridge::wire_code::deadline_exceeded,
                              "deadline passed before the agent started the request"),
           false);
    return true;
  }
  uint64_t id = 0;
  caf::strong_actor_ptr sender;
  {
    std::lock_guard guard{mtx_};
    sender = companion();
    id = (++next_id_ & caf::message_id::request_id_mask);
    if (id == 0)
      id = ++next_id_ & caf::message_id::request_id_mask;
    waiting_.emplace(id, std::move(w)); // the response may arrive before send_request returns
  }
  log::trace_scope trace{req.traceparent}; // the agent takes it as it accepts the request
  auto err = ep.send_request(agent, req.payload, std::move(sender), caf::make_message_id(id));
  if (!err)
    return true;
  std::unique_lock guard{mtx_};
  auto i = waiting_.find(id);
  if (i == waiting_.end())
    return true; // answered meanwhile (swept)
  auto back = std::move(i->second);
  waiting_.erase(i);
  guard.unlock();
  answer(back, std::move(err), true);
  return true;
}

void direct_responder::on_response(caf::mailbox_element_ptr& ptr) {
  if (!ptr || !ptr->mid.is_response())
    return; // nothing but responses is addressed to the companion
  auto id = ptr->mid.integer_value() & caf::message_id::request_id_mask;
  std::unique_lock guard{mtx_};
  auto i = waiting_.find(id);
  if (i == waiting_.end())
    return; // swept after its deadline: answered already
  auto w = std::move(i->second);
  waiting_.erase(i);
  guard.unlock();
  auto msg = ptr->move_content_to_message();
  answer(w, w.ep->read_reply(msg), true);
}

void direct_responder::answer(waiting& w, agent::endpoint_result res, bool counted) {
  if (counted) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady_clock::now() - w.started);
    ctx_.stats->count(w.stat_key, ns.count(), res ? std::string{} : bridge::error_text(res.error()));
  }
  log::trace_scope trace{w.traceparent};
  auto& rpc = *ctx_.link->rpc;
  if (!res) {
    ctx_.counters->reject(bridge::code_of(res.error()));
    spdlog::debug("bridge {}: refused {} for {}/{}: {}", ctx_.node, w.action, domain_, name_,
                  bridge::error_text(res.error()));
    bridge::publish_error(rpc, w.reply, res.error(), w.msg_id);
    return;
  }
  spdlog::debug("bridge {}: {}/{} answered {}", ctx_.node, domain_, name_, w.action);
  if (auto err = bridge::publish_reply(rpc, w.reply, **res, w.msg_id, w.traceparent,
                                       ctx_.max_payload))
    spdlog::warn("bridge: reply to {} failed: {}", w.reply, bridge::error_text(err));
  else
    ctx_.counters->direct_replies.fetch_add(1, std::memory_order_relaxed);
}

void direct_responder::sweep(steady_clock::time_point now) {
  std::vector<waiting> expired;
  {
    std::lock_guard guard{mtx_};
    if (now < next_sweep_)
      return;
    next_sweep_ = now + direct_sweep_period;
    auto wall = std::chrono::system_clock::now();
    for (auto i = waiting_.begin(); i != waiting_.end();)
      if (i->second.deadline <= wall) {
        expired.push_back(std::move(i->second));
        i = waiting_.erase(i);
      } else {
        ++i;
      }
  }
  for (auto& w : expired)
    answer(w,
           caf::make_error(bridge::wire_code::deadline_exceeded,
                           "agent " + domain_ + "/" + name_ + " did not answer before the deadline"),
           true);
}

} // namespace smith::actors
