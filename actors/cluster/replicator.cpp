// The replicator actor: lifecycle and message dispatch.
#include "actors/cluster/replicator.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/cluster/kv_writer.hpp"
#include "actors/cluster/replicator_state.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/registry/record_codec.hpp"

namespace smith::cluster {

namespace {

/// Posts each message into the actor. The strong reference is released when the state
/// (and with it the subscription) is destroyed at exit.
template <class Atom>
std::function<void(nats::inbound_msg&&)> poster(replicator_self self, Atom) {
  auto me = caf::actor_cast<caf::actor>(self);
  return [me](nats::inbound_msg&& m) { caf::anon_send(me, Atom::value, std::move(m)); };
}

caf::error subscribe(replicator_self self) {
  auto& st = self->state;
  auto& link = *st.opts.link;
  auto sync_subject = bridge::registry_sync_subject(st.opts.node);
  if (!sync_subject)
    return std::move(sync_subject.error());
  auto inbox = link.rpc->new_inbox_prefix();
  auto prefix = bridge::reply_prefix(st.opts.node, inbox.substr(inbox.rfind('.') + 1));
  if (!prefix)
    return std::move(prefix.error());
  st.inbox_prefix = std::move(*prefix);
  auto replies = bridge::reply_wildcard(st.inbox_prefix);
  if (!replies)
    return std::move(replies.error());
  auto add = [&](nats::connection& c, const std::string& subject, auto cb) -> caf::error {
    auto sub = c.subscribe(subject, "", std::move(cb));
    if (!sub)
      return std::move(sub.error());
    st.subs.push_back(std::move(*sub));
    return {};
  };
  if (auto err = add(*link.bulk, bridge::registry_events_wildcard(), poster(self, change_in_atom{})))
    return err;
  if (auto err = add(*link.rpc, *sync_subject, poster(self, sync_in_atom{})))
    return err;
  if (auto err = add(*link.rpc, *replies, poster(self, sync_reply_atom{})))
    return err;
  if (auto err = link.rpc->flush(std::chrono::seconds{5}))
    return err;
  return link.bulk->flush(std::chrono::seconds{5});
}

void follow_reconnects(replicator_self self) {
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  self->state.opts.link->bulk->on_event([weak](nats::conn_event ev, const std::string&) {
    if (ev != nats::conn_event::reconnected)
      return;
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), reconnected_atom::value);
  });
}

void publish_name(replicator_self self) {
  auto& sys = self->system();
  sys.registry().put(replicator_name, caf::actor_cast<caf::strong_actor_ptr>(self));
  self->attach_functor([&sys, addr = self->address()](const caf::error&) {
    auto cur = sys.registry().get(replicator_name);
    if (cur && cur->address() == addr)
      sys.registry().erase(replicator_name);
  });
}

void start_kv(replicator_self self) {
  auto& st = self->state;
  nats::kv_options kv;
  kv.bucket = st.opts.cfg.kv_bucket;
  kv.replicas = static_cast<int>(st.opts.cfg.kv_replicas);
  kv.max_age = 3 * st.opts.cfg.kv_refresh;
  st.kv = spawn_kv_writer(self->system(), st.opts.link->bulk, std::move(kv));
  // The worker outlives a clean stop just long enough to erase our entries.
  self->attach_functor([kv = st.kv, prefix = st.opts.node + "."](const caf::error& reason) {
    if (!reason || is_shutdown(reason))
      caf::anon_send(kv, kv_purge_atom::value, prefix);
    else
      caf::anon_send_exit(kv, caf::exit_reason::kill);
  });
}

caf::behavior replicator_impl(replicator_self self, cluster_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.wall_offset = registry::wall_clock_offset(std::chrono::system_clock::now(),
                                               self->clock().now());
  auto key = bridge::kv_key(st.opts.node, st.opts.instance);
  auto err = key ? subscribe(self) : key.error();
  if (err) {
    spdlog::error("replicator: {}", self->system().render(err));
    self->quit(std::move(err));
    return {};
  }
  publish_name(self);
  start_kv(self);
  follow_reconnects(self);
  watch_registry(self);
  seed(self);
  self->delayed_send(self, st.opts.cfg.anti_entropy_interval, ae_tick_atom::value);
  self->delayed_send(self, st.opts.cfg.kv_refresh, kv_tick_atom::value);
  return {
    [=](registry::watch_event& ev) { on_watch_event(self, ev); },
    [=](rewatch_atom) { watch_registry(self); },
    [=](change_in_atom, const nats::inbound_msg& m) {
      on_change(self, m);
      check_barrier_waiters(self);
    },
    [=](sync_in_atom, const nats::inbound_msg& m) {
      is_barrier_request(m) ? serve_barrier(self, m) : serve_sync(self, m);
    },
    [=](sync_reply_atom, const nats::inbound_msg& m) {
      if (!on_barrier_reply(self, m))
        on_sync_reply(self, m);
      check_barrier_waiters(self);
    },
    [=](barrier_atom, uint64_t timeout_ms) {
      return start_barrier(self, std::chrono::milliseconds{timeout_ms});
    },
    [=](barrier_expire_atom, uint64_t id) { on_barrier_expired(self, id); },
    [=](barrier_due_atom, uint64_t id) { on_barrier_due(self, id); },
    [=](barrier_nudge_atom, uint64_t id) { on_barrier_nudge(self, id); },
    [=](sync_expire_atom, uint64_t corr) { on_sync_expired(self, corr); },
    [=](peer_up_atom, const std::string& node, const std::string&) { on_peer_up(self, node); },
    [=](peer_down_atom, const std::string& node) { on_peer_down(self, node); },
    [=](peer_beat_atom, const peer_beat& beat) { on_peer_beat(self, beat); },
    [=](local_state_atom) { return current_local_state(self); },
    [=](reconnected_atom) {
      spdlog::info("replicator: NATS reconnected, resyncing the cluster view");
      seed(self);
    },
    [=](ae_tick_atom) {
      anti_entropy(self);
      self->delayed_send(self, self->state.opts.cfg.anti_entropy_interval, ae_tick_atom::value);
    },
    [=](kv_tick_atom) {
      refresh_kv(self);
      self->delayed_send(self, self->state.opts.cfg.kv_refresh, kv_tick_atom::value);
    },
  };
}

} // namespace

registry::registry_actor registry_of(replicator_self self) {
  return caf::actor_cast<registry::registry_actor>(
    self->system().registry().get(registry::registry_name));
}

caf::actor spawn_replicator(caf::actor_system& sys, cluster_options opts) {
  return sys.spawn(replicator_impl, std::move(opts));
}

} // namespace smith::cluster
