// Requests arriving over NATS: validated on the delivery thread, dispatched by the bridge.
#include <chrono>
#include <optional>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/core/inline_executor.hpp"
#include "runtime/metrics/latency_histogram.hpp"
#include "runtime/log/trace_context.hpp"

namespace smith::actors {

namespace {

using std::chrono::system_clock;

/// How long a one-way message (no reply subject, hence no deadline) may take.
constexpr auto one_way_timeout = std::chrono::seconds{30};

/// Most senders remembered by warn_bad_trace.
constexpr size_t trace_warned_limit = 1024;

/// Counts a rejection and tells the sender, if there is one to tell.
void reject(bridge_self* self, const bridge::inbound_request& req, caf::error err) {
  auto& st = self->state;
  st.counters->reject(bridge::code_of(err));
  spdlog::debug("bridge {}: refused {} for {}/{}: {}", st.opts.node, req.target.action,
                req.target.domain, req.target.name, self->system().render(err));
  if (!req.reply.empty() && st.opts.link) {
    bridge::publish_error(*st.opts.link->rpc, req.reply, err, req.msg_id);
    return;
  }
  spdlog::debug("bridge: dropped one-way message for {}/{}/{}: {}", req.target.domain,
                req.target.name, req.target.action, self->system().render(err));
}

/// Stats are kept per subject served: a pool request counts for the pool's endpoint, a
/// direct or broadcast one for the agent's. The key of endpoint_stat_table.
std::string stat_key(const local_agent& a, const bridge::inbound_request& req) {
  auto& name = req.target.kind == bridge::target_kind::broadcast ? a.name : req.target.name;
  return a.domain + "." + name + "." + req.target.action;
}

void deliver(bridge_self* self, const bridge::inbound_request& req, agent::endpoint_result res,
             const std::string& key, std::chrono::steady_clock::time_point started) {
  auto& st = self->state;
  auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
  st.endpoint_stats->count(key, took, res ? std::string{} : bridge::error_text(res.error()));
  log::trace_scope trace{req.traceparent};
  if (!res) {
    reject(self, req, std::move(res.error()));
    return;
  }
  spdlog::debug("bridge {}: {}/{} answered {}", st.opts.node, req.target.domain,
                req.target.name, req.target.action);
  if (req.reply.empty() || !st.opts.link)
    return;
  auto err = bridge::publish_reply(*st.opts.link->rpc, req.reply, **res, req.msg_id,
                                   req.traceparent, st.opts.limits.max_payload);
  if (err)
    spdlog::warn("bridge: reply to {} failed: {}", req.reply, self->system().render(err));
  else
    ++st.stats.replies_sent;
}

/// Runs one request on one local agent (broadcasts only reach members offering the action).
void dispatch(bridge_self* self, local_agent& a, const bridge::inbound_request& req) {
  auto found = endpoint_for(a, req.target.action, req.type);
  if (!found)
    return reject(self, req, std::move(found.error()));
  auto* ep = *found;
  if (req.reply.empty() && ep->post) {
    // One-way: nothing to answer, so nothing to wait for.
    auto err = ep->post(a.handle, req.payload);
    {
      auto& table = *self->state.endpoint_stats;
      std::lock_guard guard{table.mtx};
      auto& stat = table.at(stat_key(a, req));
      ++stat.requests;
      if (err)
        ++stat.errors;
    }
    if (err)
      reject(self, req, std::move(err));
    return;
  }
  caf::timespan timeout = one_way_timeout;
  if (req.deadline) {
    timeout = std::chrono::duration_cast<caf::timespan>(*req.deadline - system_clock::now());
    if (timeout <= caf::timespan{0})
      return reject(self, req,
                    caf::make_error(bridge::wire_code::deadline_exceeded,
                                    "deadline passed before the agent started the request"));
  }
  auto started = std::chrono::steady_clock::now();
  ep->invoke(self, a.handle, req.payload, timeout,
             [self, req, key = stat_key(a, req), started](agent::endpoint_result res) {
               deliver(self, req, std::move(res), key, started);
             });
}

/// Hands a request for a directly subscribed agent to its responder; false when the
/// bridge must dispatch it.
bool try_direct(direct_responder& responder, const caf::actor& agent, const agent::endpoint& ep,
                bridge::inbound_request& req, const std::string& node) {
  if (!ep.send_request)
    return false;
  spdlog::debug("bridge {}: request {} for {}/{} from {}", node, req.target.action,
                req.target.domain, req.target.name, req.sender.empty() ? "?" : req.sender);
  return responder.handle(agent, ep, req);
}

} // namespace

std::function<void(const nats::inbound_view&)> inbound_handler(bridge_self* self,
                                                               const local_agent* direct) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto link = self->state.opts.link;
  auto limits = self->state.opts.limits;
  auto counters = self->state.counters;
  // The fast path needs only immutable things: the agent's handle and its endpoints.
  caf::actor agent = direct ? direct->handle : caf::actor{};
  auto endpoints = direct ? direct->endpoints : nullptr;
  auto node = self->state.opts.node;
  auto* sys = &self->system();
  auto inline_opts = self->state.opts.inline_dispatch;
  auto one_way_opts = inline_opts;
  one_way_opts.enabled = inline_opts.enabled && self->state.opts.inline_one_way;
  std::shared_ptr<direct_responder> responder;
  if (direct && link)
    responder = std::make_shared<direct_responder>(
      self->system(),
      direct_responder::context{link, limits.max_payload, counters, self->state.endpoint_stats,
                                node},
      direct->domain, direct->name);
  return [me, link, limits, counters, agent, endpoints, node, sys, inline_opts, one_way_opts,
          responder](const nats::inbound_view& m) {
    // First: the agent woken below runs on this thread when the scope ends, after the
    // request's locals and trace scope are gone (core/inline_executor.hpp). Opened for the
    // direct paths only, once the message is known to be a request or a cast.
    std::optional<core::inline_dispatch> inline_scope;
    counters->inbound.fetch_add(1, std::memory_order_relaxed);
    auto req = bridge::validate_inbound_view(m, limits, system_clock::now());
    if (req && req->reply.empty() && endpoints) {
      auto* ep = endpoints->find(req->target.action);
      if (ep && ep->post && req->type == ep->request_type) {
        inline_scope.emplace(*sys, one_way_opts);
        log::trace_scope trace{req->traceparent}; // the agent picks it up as it accepts
        if (req->trace_replaced)
          warn_bad_trace(*counters, node, *req);
        spdlog::debug("bridge {}: one-way {} for {}/{} from {}", node, req->target.action,
                      req->target.domain, req->target.name,
                      req->sender.empty() ? "?" : req->sender);
        if (auto err = ep->post(agent, req->payload))
          counters->reject(bridge::code_of(err));
        return;
      }
    }
    if (req && !req->reply.empty() && responder) {
      auto* ep = endpoints->find(req->target.action);
      if (ep && req->type == ep->request_type && ep->send_request) {
        inline_scope.emplace(*sys, inline_opts);
        log::trace_scope trace{req->traceparent};
        if (req->trace_replaced)
          warn_bad_trace(*counters, node, *req);
        if (try_direct(*responder, agent, *ep, *req, node))
          return;
      }
    }
    if (req) {
      caf::anon_send(me, bridge::inbound_atom::value, std::move(*req));
      return;
    }
    counters->reject(bridge::code_of(req.error()));
    if (m.reply.empty())
      return; // counted; nobody to answer
    // Echo the caller's id only if it is well-formed: it goes back into a header.
    auto id = m.headers ? nats::find_header(*m.headers, bridge::header::msg_id) : nullptr;
    auto echo = id && bridge::valid_msg_id(*id) ? *id : std::string_view{};
    bridge::publish_error(*link->rpc, m.reply, req.error(), echo);
  };
}

void warn_bad_trace(wire_counters& counters, const std::string& node,
                    const bridge::inbound_request& req) {
  auto source = req.sender.empty() ? std::string{"an anonymous sender"} : req.sender;
  {
    std::lock_guard guard{counters.trace_warned_mtx};
    if (counters.trace_warned.size() >= trace_warned_limit
        || !counters.trace_warned.insert(source).second)
      return;
  }
  spdlog::warn("bridge {}: malformed traceparent from {} (request {} for {}/{}): started a new "
               "trace; further malformed ones from this sender are not logged",
               node, source, req.target.action, req.target.domain, req.target.name);
}

void on_inbound(bridge_self* self, bridge::inbound_request& req) {
  auto& st = self->state;
  auto& t = req.target;
  // Everything done for this request from here on (the agents it reaches, the calls they
  // make, the log lines) carries its trace.
  log::trace_scope trace{req.traceparent};
  if (req.trace_replaced)
    warn_bad_trace(*st.counters, st.opts.node, req);
  spdlog::debug("bridge {}: request {} for {}/{} from {}", st.opts.node, t.action, t.domain,
                t.name, req.sender.empty() ? "?" : req.sender);
  if (t.kind == bridge::target_kind::broadcast) {
    for (auto* a : st.agents.members(t.domain))
      if (a->endpoints && a->endpoints->find(t.action))
        dispatch(self, *a, req);
    return;
  }
  auto* a = st.agents.find(t.domain, t.name);
  if (!a)
    a = st.agents.pick(t.domain, t.name);
  if (!a)
    return reject(self, req,
                  caf::make_error(bridge::wire_code::unknown_agent,
                                  "no agent or pool " + t.domain + "/" + t.name + " on node "
                                    + st.opts.node));
  dispatch(self, *a, req);
}

} // namespace smith::actors
