// The replicator's side of this node's records: registry watch, change events, KV, sync answers.
#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/cluster/kv_writer.hpp"
#include "actors/cluster/replicator_state.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/registry/record_codec.hpp"

namespace smith::cluster {

namespace {


void kv_write(replicator_self self, registry::watch_kind kind, const registry::agent_record& r) {
  auto& st = self->state;
  auto key = bridge::kv_key(st.opts.node, r.id.instance);
  if (!key) {
    spdlog::warn("replicator: agent {} has no KV key: {}", agent::to_string(r.id),
                 self->system().render(key.error()));
    return;
  }
  if (kind == registry::watch_kind::deregistered)
    self->send(st.kv, kv_erase_atom::value, *key);
  else
    self->send(st.kv, kv_put_atom::value, *key,
               registry::to_proto(r, st.wall_offset).SerializeAsString());
}

/// Publishes one change of a local record (the mirror is already updated).
void publish_change(replicator_self self, registry::watch_kind kind,
                    const registry::agent_record& r) {
  auto& st = self->state;
  bridge::v1::RegistryChange ch;
  ch.set_node(st.opts.node);
  ch.set_node_instance(st.opts.instance);
  ch.set_sequence(++st.sequence);
  // watch_kind and RegistryChange.Kind share their values (1..4).
  ch.set_kind(static_cast<bridge::v1::RegistryChange::Kind>(kind));
  *ch.mutable_record() = registry::to_proto(r, st.wall_offset);
  auto msg = encode_change(ch);
  auto err = msg ? st.opts.link->bulk->publish(msg->subject, "", msg->headers, msg->body)
                 : msg.error();
  // Peers see the gap at the next change or heartbeat and sync.
  if (err)
    spdlog::warn("replicator: change {} not published: {}", st.sequence,
                 self->system().render(err));
  kv_write(self, kind, r);
}

/// Updates the mirror and publishes the change (the outbox lets it go).
void announce(replicator_self self, registry::watch_kind kind, const registry::agent_record& r) {
  auto& local = self->state.local;
  if (kind == registry::watch_kind::deregistered)
    local.erase(r.id.instance);
  else
    local[r.id.instance] = r;
  publish_change(self, kind, r);
}

/// Announces the outbox's changes from the front up to the first one still held.
void announce_ready(replicator_self self) {
  auto& st = self->state;
  while (!st.outbox.empty() && !st.outbox.front().held) {
    auto ch = std::move(st.outbox.front());
    st.outbox.pop_front();
    announce(self, ch.kind, ch.record);
  }
  if (st.outbox.empty())
    start_deferred_barriers(self);
}

/// Lets change `id` go (if still queued) and announces what is ready.
void release_change(replicator_self self, uint64_t id) {
  for (auto& ch : self->state.outbox)
    if (ch.id == id)
      ch.held = false;
  announce_ready(self);
}

/// Asks the bridge to confirm the subscription of the agent of change `ch`. Without an answer
/// (no bridge, or it gives up) the change goes anyway: late is better than never announced.
void await_route(replicator_self self, const local_change& ch) {
  auto id = ch.id;
  auto ptr = self->system().registry().get(bridge::bridge_name);
  if (!ptr) {
    spdlog::warn("replicator: no bridge on {} to confirm agent {}; announcing it now",
                 self->state.opts.node, agent::to_string(ch.record.id));
    release_change(self, id);
    return;
  }
  auto& rid = ch.record.id;
  self->request(caf::actor_cast<bridge::bridge_actor>(ptr), bridge::route_wait * 2,
                bridge::routed_atom::value, rid.domain, rid.name, rid.instance)
    .then([=](ok_atom) { release_change(self, id); },
          [=, name = agent::to_string(rid)](caf::error& err) {
            spdlog::warn("replicator: the bridge did not confirm agent {} ({}); announcing it",
                         name, self->system().render(err));
            release_change(self, id);
          });
}

/// Queues a change of a local record; a registration waits for the bridge (await_bridge).
void apply_local(replicator_self self, registry::watch_kind kind, const registry::agent_record& r) {
  auto& st = self->state;
  bool held = st.opts.await_bridge && kind == registry::watch_kind::registered && r.handle;
  st.outbox.push_back(local_change{++st.next_change, kind, r, held});
  if (held)
    await_route(self, st.outbox.back());
  announce_ready(self);
}

/// Makes the mirror equal to `snapshot`, publishing a change for every difference.
void reconcile(replicator_self self, const std::vector<registry::agent_record>& snapshot) {
  std::map<std::string, registry::agent_record> fresh;
  for (auto& r : snapshot)
    fresh.emplace(r.id.instance, r);
  std::vector<registry::agent_record> gone;
  for (auto& [id, r] : self->state.local)
    if (fresh.count(id) == 0)
      gone.push_back(r);
  for (auto& r : gone)
    apply_local(self, registry::watch_kind::deregistered, r);
  for (auto& [id, r] : fresh) {
    auto i = self->state.local.find(id);
    if (i == self->state.local.end())
      apply_local(self, registry::watch_kind::registered, r);
    else if (registry::digest_hash(i->second) != registry::digest_hash(r))
      apply_local(self, registry::watch_kind::updated, r);
  }
}

void on_watch_ack(replicator_self self, registry::watch_ack& ack) {
  auto& st = self->state;
  st.watch_pending = false;
  bool restarted = !st.registry_instance.empty() && st.registry_instance != ack.registry_instance;
  st.registry_instance = ack.registry_instance;
  st.watch_sequence = ack.sequence;
  // Changes not announced yet came from the old watch: the snapshot supersedes them.
  st.outbox.clear();
  reconcile(self, ack.snapshot);
  announce_ready(self);
  if (restarted) {
    // A new registry knows nothing of the other nodes.
    spdlog::info("replicator: the registry restarted, reseeding the cluster view");
    seed(self);
  }
}

} // namespace

void watch_registry(replicator_self self) {
  auto reg = registry_of(self);
  if (!reg) {
    self->delayed_send(self, registry::rewatch_delay, rewatch_atom::value);
    return;
  }
  auto& st = self->state;
  if (st.registry == caf::actor_cast<caf::actor>(reg)) {
    self->send(reg, registry::unwatch_atom::value, caf::actor_cast<caf::actor>(self));
  } else {
    st.registry = caf::actor_cast<caf::actor>(reg);
    self->monitor(reg);
    self->set_down_handler([=](caf::down_msg& dm) {
      if (dm.source == self->state.registry.address())
        self->delayed_send(self, registry::rewatch_delay, rewatch_atom::value);
    });
  }
  st.watch_pending = true;
  registry::record_filter filter;
  filter.node = st.opts.node;
  self->request(reg, registry::ask_timeout, registry::watch_atom::value, filter,
                caf::actor_cast<caf::actor>(self))
    .then([=](registry::watch_ack& ack) { on_watch_ack(self, ack); },
          [=](caf::error& err) {
            self->state.watch_pending = false;
            spdlog::warn("replicator: watching the registry failed ({}), retrying",
                         self->system().render(err));
            self->delayed_send(self, registry::rewatch_delay, rewatch_atom::value);
          });
}

void on_watch_event(replicator_self self, const registry::watch_event& ev) {
  auto& st = self->state;
  bool same_registry = ev.registry_instance == st.registry_instance;
  if (st.watch_pending || (same_registry && ev.sequence <= st.watch_sequence))
    return; // covered by the snapshot being (or already) taken
  if (!same_registry || ev.previous_sequence != st.watch_sequence) {
    // Lost or foreign event: start over from a snapshot (reconcile publishes the difference).
    watch_registry(self);
    return;
  }
  st.watch_sequence = ev.sequence;
  if (ev.record.node != st.opts.node)
    return;
  apply_local(self, ev.kind, ev.record);
}

void refresh_kv(replicator_self self) {
  auto& st = self->state;
  std::map<std::string, std::string> entries;
  for (auto& [id, r] : st.local)
    if (auto key = bridge::kv_key(st.opts.node, id))
      entries.emplace(std::move(*key), registry::to_proto(r, st.wall_offset).SerializeAsString());
  self->send(st.kv, kv_refresh_atom::value, st.opts.node + ".", std::move(entries));
}

local_state current_local_state(replicator_self self) {
  local_state out;
  for (auto& [id, r] : self->state.local)
    registry::digest_add(out.digest, registry::digest_hash(r));
  out.sequence = self->state.sequence;
  return out;
}

void serve_sync(replicator_self self, const nats::inbound_msg& m) {
  auto& st = self->state;
  auto& rpc = *st.opts.link->rpc;
  auto* msg_id = nats::find_header(m.headers, bridge::header::msg_id);
  auto id = msg_id ? *msg_id : std::string{};
  if (auto err = check_sync_request(m)) {
    spdlog::warn("replicator: {}", self->system().render(err));
    if (!m.reply.empty()) {
      auto reply = bridge::encode_error(bridge::wire_code::bad_request,
                                        self->system().render(err), id);
      rpc.publish(m.reply, "", reply.headers, reply.body);
    }
    return;
  }
  std::vector<const registry::agent_record*> sorted;
  for (auto& [key, r] : st.local)
    sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](auto* x, auto* y) {
    return std::tie(x->id.domain, x->id.name, x->id.instance)
           < std::tie(y->id.domain, y->id.name, y->id.instance);
  });
  bridge::v1::SyncResponse resp;
  resp.set_node(st.opts.node);
  resp.set_node_instance(st.opts.instance);
  resp.set_sequence(st.sequence);
  for (auto* r : sorted)
    *resp.add_records() = registry::to_proto(*r, st.wall_offset);
  *resp.mutable_digest() = to_proto(current_local_state(self).digest);
  auto* tp = nats::find_header(m.headers, bridge::header::traceparent);
  auto headers = bridge::reply_headers(sync_response_type, id, tp ? *tp : std::string{});
  if (auto err = rpc.publish(m.reply, "", headers, resp.SerializeAsString()))
    spdlog::warn("replicator: sync answer not sent: {}", self->system().render(err));
}

} // namespace smith::cluster
