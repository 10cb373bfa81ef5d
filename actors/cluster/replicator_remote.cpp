// The replicator's side of other nodes' records: change events, syncs, anti-entropy, KV seed.
#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/cluster/kv_writer.hpp"
#include "actors/cluster/replicator_state.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/registry/record_codec.hpp"

namespace smith::cluster {

namespace {

using change = bridge::v1::RegistryChange;

constexpr auto seed_timeout = std::chrono::seconds{10};
/// How long a sync answer may take: a lost request (e.g. during a failover) is retried
/// soon, a slow peer still gets a few heartbeats' time.
std::chrono::milliseconds sync_timeout(replicator_self self) {
  return std::max(std::chrono::milliseconds{500}, 2 * self->state.opts.cfg.heartbeat_interval);
}

/// Changes kept while a sync is pending; beyond it they are dropped (the sync covers them).
constexpr size_t max_buffered = 10'000;

/// Logs a failed registry update and schedules a sync that repairs the view of `node`.
auto on_apply_error(replicator_self self, std::string node) {
  return [self, node](caf::error& err) {
    spdlog::warn("replicator: applying a change of {} failed ({}); resyncing", node,
                 self->system().render(err));
    self->state.peers[node].needs_sync = true;
  };
}

/// Decodes a peer's record; null (logged) when it is invalid or names another node.
std::optional<registry::agent_record> decode_record(replicator_self self, const std::string& node,
                                                    const registry::v1::AgentRecord& x) {
  auto r = registry::from_proto(x, self->state.wall_offset);
  if (!r) {
    spdlog::warn("replicator: invalid record from {}: {}", node,
                 self->system().render(r.error()));
    return std::nullopt;
  }
  if (r->node.empty())
    r->node = node;
  if (r->node != node) {
    spdlog::warn("replicator: {} sent a record of node {}", node, r->node);
    return std::nullopt;
  }
  return std::move(*r);
}

void apply_change(replicator_self self, const std::string& node, const change& ch) {
  auto reg = registry_of(self);
  if (!reg) {
    self->state.peers[node].needs_sync = true;
    return;
  }
  if (ch.kind() == change::KIND_DEREGISTERED) {
    self->request(reg, registry::ask_timeout, registry::remove_remote_atom::value,
                  ch.record().id().instance())
      .then([](ok_atom) {}, on_apply_error(self, node));
    return;
  }
  auto r = decode_record(self, node, ch.record());
  if (!r)
    return;
  self->request(reg, registry::ask_timeout, registry::apply_remote_atom::value, std::move(*r))
    .then([](ok_atom) {}, on_apply_error(self, node));
}

void buffer(peer_stream& p, const change& ch) {
  if (p.buffered.size() < max_buffered)
    p.buffered.push_back(ch);
}

void handle_change(replicator_self self, const std::string& node, const change& ch) {
  auto& p = self->state.peers[node];
  if (p.down)
    return;
  if (p.sync_corr != 0) {
    buffer(p, ch);
    return;
  }
  if (!p.synced || ch.node_instance() != p.instance) {
    buffer(p, ch);
    start_sync(self, node);
    return;
  }
  if (ch.sequence() <= p.applied)
    return; // already covered by a sync
  if (ch.sequence() != p.applied + 1) {
    spdlog::info("replicator: changes {}..{} of {} missed, resyncing", p.applied + 1,
                 ch.sequence() - 1, node);
    buffer(p, ch);
    start_sync(self, node);
    return;
  }
  p.applied = ch.sequence();
  apply_change(self, node, ch);
}

void replay_buffered(replicator_self self, const std::string& node) {
  auto& p = self->state.peers[node];
  auto pending = std::move(p.buffered);
  p.buffered.clear();
  std::sort(pending.begin(), pending.end(),
            [](const change& x, const change& y) { return x.sequence() < y.sequence(); });
  // Only changes continuing the synced sequence are kept; anything beyond a hole is
  // dropped rather than resynced again at once (real changes show up in the next
  // heartbeat's sequence, a bogus one must not cause a sync loop).
  for (auto& ch : pending) {
    if (ch.node_instance() != p.instance || ch.sequence() <= p.applied)
      continue;
    if (ch.sequence() != p.applied + 1)
      break;
    handle_change(self, node, ch);
  }
}

void apply_sync(replicator_self self, const std::string& node,
                const bridge::v1::SyncResponse& resp) {
  auto& peer = self->state.peers[node];
  if (!peer.stale_answer && !replaces_view(peer, resp.node_instance(), resp.sequence())) {
    // Built before changes already applied here (they came on the bulk connection, it on the
    // rpc one): replacing the view with it would drop newer records. Keep the view and ask
    // again; a second answer behind what is applied means that the applied changes are not
    // the node's (bogus or forged) and is taken.
    spdlog::info("replicator: sync answer of {} at sequence {} is older than the {} applied; "
                 "view kept, asking again", node, resp.sequence(), peer.applied);
    peer.stale_answer = true;
    peer.synced = true;
    replay_buffered(self, node);
    start_sync(self, node);
    return;
  }
  peer.stale_answer = false;
  std::vector<registry::agent_record> records;
  for (auto& x : resp.records())
    if (auto r = decode_record(self, node, x))
      records.push_back(std::move(*r));
  auto reg = registry_of(self);
  if (!reg) {
    self->state.peers[node].needs_sync = true;
    return;
  }
  // Changes sent after this request reach the registry after it (one sender, FIFO).
  self->request(reg, registry::ask_timeout, registry::replace_node_atom::value, node, std::move(records))
    .then([](uint64_t) {}, on_apply_error(self, node));
  auto& p = self->state.peers[node];
  p.instance = resp.node_instance();
  p.applied = resp.sequence();
  p.synced = true;
  p.suspect = 0;
  replay_buffered(self, node);
}

void check_digest(replicator_self self, const std::string& node, const peer_stream& p) {
  auto reg = registry_of(self);
  if (!reg)
    return;
  auto expected = p.beat->digest;
  auto applied = p.applied;
  self->request(reg, registry::ask_timeout, registry::digest_atom::value, node)
    .then(
      [=](registry::registry_digest& d) {
        auto& q = self->state.peers[node];
        if (q.down || q.applied != applied || d == expected)
          return;
        spdlog::info("replicator: view of {} differs from its digest, resyncing", node);
        start_sync(self, node);
      },
      [](caf::error&) {});
}

void seed_from(replicator_self self, const std::map<std::string, std::string>& entries) {
  auto& st = self->state;
  std::map<std::string, std::vector<registry::agent_record>> by_node;
  for (auto& [key, value] : entries) {
    auto node = key.substr(0, key.find('.'));
    if (node == st.opts.node)
      continue;
    registry::v1::AgentRecord x;
    if (!x.ParseFromString(value)) {
      spdlog::warn("replicator: KV entry {} does not parse as an AgentRecord", key);
      continue;
    }
    auto& records = by_node[node];
    if (auto r = decode_record(self, node, x))
      records.push_back(std::move(*r));
  }
  auto reg = registry_of(self);
  auto memb = caf::actor_cast<caf::actor>(self->system().registry().get(membership_name));
  for (auto& [node, records] : by_node) {
    auto& p = st.peers[node];
    if (p.down || p.synced || !replaces_view(p, "", 0) || !reg)
      continue; // what the node's own stream brought is fresher than the bucket
    self->request(reg, registry::ask_timeout, registry::replace_node_atom::value, node, records)
      .then([](uint64_t) {}, on_apply_error(self, node));
    if (memb)
      self->send(memb, expect_atom::value, node);
  }
}

} // namespace

void on_change(replicator_self self, const nats::inbound_msg& m) {
  auto ch = decode_change(m);
  if (!ch) {
    spdlog::warn("replicator: {}", self->system().render(ch.error()));
    return;
  }
  if (ch->node() == self->state.opts.node)
    return;
  handle_change(self, ch->node(), *ch);
}

void start_sync(replicator_self self, const std::string& node) {
  auto& st = self->state;
  auto& p = st.peers[node];
  if (p.down || p.sync_corr != 0)
    return;
  auto corr = ++st.next_correlation;
  auto reply = bridge::reply_subject(st.inbox_prefix, corr);
  auto msg = reply ? encode_sync_request(node, st.opts.node, sync_timeout(self))
                   : caf::expected<outbound>{reply.error()};
  auto err = msg ? st.opts.link->rpc->publish(msg->subject, *reply, msg->headers, msg->body)
                 : msg.error();
  if (err) {
    spdlog::warn("replicator: sync with {} not requested: {}", node, self->system().render(err));
    p.needs_sync = true;
    return;
  }
  p.sync_corr = corr;
  p.needs_sync = false;
  st.syncs.emplace(corr, node);
  self->delayed_send(self, sync_timeout(self), sync_expire_atom::value, corr);
}

void on_sync_reply(replicator_self self, const nats::inbound_msg& m) {
  auto& st = self->state;
  auto corr = bridge::parse_reply_subject(st.inbox_prefix, m.subject);
  auto i = corr ? st.syncs.find(*corr) : st.syncs.end();
  if (i == st.syncs.end())
    return; // late (timed out) or for a peer that went down meanwhile
  auto node = i->second;
  st.syncs.erase(i);
  auto& p = st.peers[node];
  p.sync_corr = 0;
  auto resp = decode_sync_response(m, node);
  if (!resp) {
    spdlog::info("replicator: sync with {} failed: {}", node, self->system().render(resp.error()));
    p.needs_sync = true;
    return;
  }
  apply_sync(self, node, *resp);
}

void on_sync_expired(replicator_self self, uint64_t correlation) {
  auto& st = self->state;
  auto i = st.syncs.find(correlation);
  if (i == st.syncs.end())
    return;
  auto& p = st.peers[i->second];
  spdlog::info("replicator: sync with {} timed out", i->second);
  p.sync_corr = 0;
  p.needs_sync = true;
  st.syncs.erase(i);
}

void on_peer_up(replicator_self self, const std::string& node) {
  auto& p = self->state.peers[node];
  p.down = false;
  p.synced = false;
  p.suspect = 0;
  start_sync(self, node);
}

void on_peer_down(replicator_self self, const std::string& node) {
  auto& st = self->state;
  auto& p = st.peers[node];
  if (p.sync_corr != 0)
    st.syncs.erase(p.sync_corr);
  p = peer_stream{};
  p.down = true;
  // After any replace_node of ours still queued at the registry (membership dropped too).
  if (auto reg = registry_of(self))
    self->request(reg, registry::ask_timeout, registry::drop_node_atom::value, node)
      .then([](uint64_t) {}, [](caf::error&) {});
}

void on_peer_beat(replicator_self self, const peer_beat& beat) {
  auto& p = self->state.peers[beat.node];
  if (!p.down)
    p.beat = beat;
}

void anti_entropy(replicator_self self) {
  for (auto& [node, p] : self->state.peers) {
    if (p.down || p.sync_corr != 0)
      continue;
    if (p.needs_sync || !p.synced) {
      start_sync(self, node);
    } else if (p.beat && p.beat->has_digest) {
      if (p.beat->last_change_sequence != p.applied) {
        // Changes may still be in flight: only a lasting difference counts.
        if (++p.suspect >= 2)
          start_sync(self, node);
      } else {
        p.suspect = 0;
        check_digest(self, node, p);
      }
    }
  }
}

void seed(replicator_self self) {
  for (auto& [node, p] : self->state.peers)
    if (!p.down)
      p.synced = false; // events may have been missed: every known node syncs
  self->request(self->state.kv, seed_timeout, kv_seed_atom::value)
    .then(
      [=](std::map<std::string, std::string>& entries) {
        seed_from(self, entries);
        for (auto& [node, p] : self->state.peers)
          start_sync(self, node);
      },
      [=](caf::error& err) {
        spdlog::warn("replicator: reading the KV bucket failed: {}", self->system().render(err));
        for (auto& [node, p] : self->state.peers)
          start_sync(self, node);
      });
}

} // namespace smith::cluster
