// Replication barriers: this node waits until every other node's registry has applied its
// changes up to a sequence (unloading a domain), and answers other nodes' barriers.
#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/cluster/kv_writer.hpp"
#include "actors/cluster/replicator_state.hpp"
#include "runtime/bridge/subject.hpp"

namespace smith::cluster {

namespace {

constexpr auto barrier_registry_timeout = std::chrono::seconds{5};
/// Longest a peer's barrier waits here, whatever its deadline says.
constexpr auto barrier_max_wait = std::chrono::seconds{60};
/// How long changes a barrier waits for may still be in flight before this node syncs.
constexpr auto barrier_nudge_after = std::chrono::milliseconds{250};

/// Delivers barrier `id` once nobody is outstanding.
void barrier_maybe_finish(replicator_self self, uint64_t id) {
  auto& st = self->state;
  auto i = st.barriers.find(id);
  if (i == st.barriers.end() || !i->second.waiting.empty() || i->second.kv_pending)
    return;
  auto& r = i->second.report;
  std::sort(r.confirmed.begin(), r.confirmed.end());
  std::sort(r.unconfirmed.begin(), r.unconfirmed.end());
  i->second.rp.deliver(std::move(r));
  st.barriers.erase(i);
  for (auto j = st.barrier_replies.begin(); j != st.barrier_replies.end();)
    j = j->second.first == id ? st.barrier_replies.erase(j) : std::next(j);
}

/// Sends peer `node` the BarrierRequest of barrier `id`.
void barrier_ask_peer(replicator_self self, uint64_t id, const std::string& node) {
  auto& st = self->state;
  auto& b = st.barriers[id];
  auto corr = ++st.next_correlation;
  auto reply = bridge::reply_subject(st.inbox_prefix, corr);
  auto msg = reply ? encode_barrier_request(node, st.opts.node, st.opts.instance,
                                            b.report.sequence, b.timeout)
                   : caf::expected<outbound>{reply.error()};
  auto err = msg ? st.opts.link->rpc->publish(msg->subject, *reply, msg->headers, msg->body)
                 : msg.error();
  if (err) {
    b.report.unconfirmed.push_back(node + ": barrier not sent: " + self->system().render(err));
    return;
  }
  b.waiting.insert(node);
  st.barrier_replies.emplace(corr, std::make_pair(id, node));
}

/// Publishes the answer to a peer's barrier: what this node has applied of the asker's stream.
void barrier_answer(replicator_self self, const barrier_waiter& w, const std::string& instance,
                    uint64_t applied) {
  auto& st = self->state;
  bridge::v1::BarrierResponse resp;
  resp.set_node(st.opts.node);
  resp.set_node_instance(instance);
  resp.set_applied(applied);
  auto headers = bridge::reply_headers(barrier_response_type, w.msg_id, "");
  if (auto err = st.opts.link->rpc->publish(w.reply, "", headers, resp.SerializeAsString()))
    spdlog::warn("replicator: barrier answer to {} not sent: {}", w.node,
                 self->system().render(err));
}

/// Whether this node's registry has every change of `w`'s stream up to its sequence queued
/// (applied, or requested of the registry before anything asked later).
bool barrier_applied(const replicator_state& st, const barrier_waiter& w) {
  auto p = st.peers.find(w.node);
  return p != st.peers.end() && !p->second.down && p->second.synced && p->second.sync_corr == 0
         && p->second.instance == w.instance && p->second.applied >= w.sequence;
}

/// Confirms waiter `w` once the registry answered a request sent after the changes it covers
/// (requests to the registry are handled in order).
void barrier_confirm(replicator_self self, barrier_waiter w) {
  auto& p = self->state.peers[w.node];
  auto instance = p.instance;
  auto applied = p.applied;
  auto reg = registry_of(self);
  if (!reg)
    return barrier_answer(self, w, instance, 0);
  self->request(reg, barrier_registry_timeout, registry::digest_atom::value, w.node)
    .then([=](registry::registry_digest&) { barrier_answer(self, w, instance, applied); },
          [=](caf::error&) { barrier_answer(self, w, instance, 0); });
}

} // namespace

namespace {

void begin_barrier(replicator_self self, caf::response_promise rp,
                   std::chrono::milliseconds timeout) {
  auto& st = self->state;
  auto id = ++st.next_barrier;
  auto& b = st.barriers[id];
  b.rp = std::move(rp);
  b.report.sequence = st.sequence;
  b.timeout = timeout;
  // The writer handles messages in order: its answer covers every erase sent before.
  self->request(st.kv, timeout, kv_flush_atom::value)
    .then(
      [=](uint64_t failed) {
        auto i = self->state.barriers.find(id);
        if (i == self->state.barriers.end())
          return;
        i->second.kv_pending = false;
        if (failed > 0)
          i->second.report.kv_error = std::to_string(failed) + " KV bucket write(s) failed";
        barrier_maybe_finish(self, id);
      },
      [=](caf::error& err) {
        auto i = self->state.barriers.find(id);
        if (i == self->state.barriers.end())
          return;
        i->second.kv_pending = false;
        i->second.report.kv_error = "KV writer: " + self->system().render(err);
        barrier_maybe_finish(self, id);
      });
  for (auto& [node, p] : st.peers)
    if (!p.down)
      barrier_ask_peer(self, id, node);
  self->delayed_send(self, timeout, barrier_expire_atom::value, id);
}

} // namespace

caf::result<barrier_report> start_barrier(replicator_self self, std::chrono::milliseconds timeout) {
  auto rp = self->make_response_promise();
  if (self->state.outbox.empty())
    begin_barrier(self, rp, timeout);
  else
    self->state.deferred_barriers.emplace_back(rp, timeout);
  return caf::result<barrier_report>{rp};
}

void start_deferred_barriers(replicator_self self) {
  auto deferred = std::move(self->state.deferred_barriers);
  self->state.deferred_barriers.clear();
  for (auto& [rp, timeout] : deferred)
    begin_barrier(self, rp, timeout);
}

bool on_barrier_reply(replicator_self self, const nats::inbound_msg& m) {
  auto& st = self->state;
  auto corr = bridge::parse_reply_subject(st.inbox_prefix, m.subject);
  auto i = corr ? st.barrier_replies.find(*corr) : st.barrier_replies.end();
  if (i == st.barrier_replies.end())
    return false;
  auto [id, node] = i->second;
  st.barrier_replies.erase(i);
  auto b = st.barriers.find(id);
  if (b == st.barriers.end())
    return true;
  auto& r = b->second.report;
  b->second.waiting.erase(node);
  auto resp = decode_barrier_response(m, node);
  if (!resp)
    r.unconfirmed.push_back(node + ": " + self->system().render(resp.error()));
  else if (resp->node_instance() != st.opts.instance || resp->applied() < r.sequence)
    r.unconfirmed.push_back(node + ": its registry applied changes up to "
                            + std::to_string(resp->applied()) + " of "
                            + std::to_string(r.sequence)
                            + (resp->node_instance() != st.opts.instance
                                 ? " (of another instance of this node)" : ""));
  else
    r.confirmed.push_back(node);
  barrier_maybe_finish(self, id);
  return true;
}

void on_barrier_expired(replicator_self self, uint64_t id) {
  auto i = self->state.barriers.find(id);
  if (i == self->state.barriers.end())
    return;
  auto& b = i->second;
  auto ms = std::to_string(b.timeout.count());
  for (auto& node : b.waiting)
    b.report.unconfirmed.push_back(node + ": no answer within " + ms + " ms");
  b.waiting.clear();
  if (b.kv_pending)
    b.report.kv_error = "the KV writer did not answer within " + ms + " ms";
  b.kv_pending = false;
  barrier_maybe_finish(self, id);
}

void serve_barrier(replicator_self self, const nats::inbound_msg& m) {
  auto& st = self->state;
  auto req = decode_barrier_request(m);
  if (!req) {
    spdlog::warn("replicator: {}", self->system().render(req.error()));
    if (!m.reply.empty()) {
      auto reply = bridge::encode_error(bridge::wire_code::bad_request,
                                        self->system().render(req.error()), "");
      st.opts.link->rpc->publish(m.reply, "", reply.headers, reply.body);
    }
    return;
  }
  auto id = ++st.next_waiter;
  st.waiters.emplace(id, barrier_waiter{req->body.node(), req->body.node_instance(),
                                        req->body.sequence(), req->reply, req->msg_id});
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    req->deadline - std::chrono::system_clock::now());
  left = std::clamp(left, std::chrono::milliseconds{0},
                    std::chrono::milliseconds{barrier_max_wait});
  self->delayed_send(self, left, barrier_due_atom::value, id);
  self->delayed_send(self, std::min(left / 2, std::chrono::milliseconds{barrier_nudge_after}),
                     barrier_nudge_atom::value, id);
  check_barrier_waiters(self);
}

void on_barrier_nudge(replicator_self self, uint64_t id) {
  auto& st = self->state;
  auto i = st.waiters.find(id);
  if (i == st.waiters.end() || barrier_applied(st, i->second))
    return;
  auto node = i->second.node;
  auto& p = st.peers[node];
  if (!p.down && p.sync_corr == 0) {
    spdlog::info("replicator: a barrier of {} waits for changes not received, resyncing", node);
    start_sync(self, node);
  }
}

void check_barrier_waiters(replicator_self self) {
  auto& st = self->state;
  for (auto i = st.waiters.begin(); i != st.waiters.end();) {
    if (!barrier_applied(st, i->second)) {
      ++i;
      continue;
    }
    auto w = std::move(i->second);
    i = st.waiters.erase(i);
    barrier_confirm(self, std::move(w));
  }
}

void on_barrier_due(replicator_self self, uint64_t id) {
  auto& st = self->state;
  auto i = st.waiters.find(id);
  if (i == st.waiters.end())
    return;
  auto w = std::move(i->second);
  st.waiters.erase(i);
  auto p = st.peers.find(w.node);
  bool same = p != st.peers.end() && p->second.instance == w.instance;
  barrier_answer(self, w, same ? p->second.instance : std::string{},
                 same ? p->second.applied : 0);
}

} // namespace smith::cluster
