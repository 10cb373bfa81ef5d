// The membership actor: heartbeats out, peers' beats and leaves in, down detection by ticks.
#include "actors/cluster/membership.hpp"

#include <algorithm>
#include <map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_codec.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::cluster {

namespace {

using hb_in_atom = caf::atom_constant<caf::atom("clhbin")>;
using leave_in_atom = caf::atom_constant<caf::atom("clleavein")>;
using tick_atom = caf::atom_constant<caf::atom("clhbtick")>;


struct peer_entry {
  peer_info info;
  caf::actor_clock::time_point last_seen;
  std::chrono::milliseconds down_after{0};
  /// The instance that said goodbye: its late beats must not revive it.
  std::string left_instance;
};

struct membership_state {
  static inline const char* name = "smith.membership";
  cluster_options opts;
  uint64_t beat = 0;
  std::map<std::string, peer_entry> peers;
  /// Declared last: destroyed first, so no callback runs into a half-destroyed state.
  std::vector<nats::subscription> subs;
};

using membership_self = caf::stateful_actor<membership_state>*;

caf::actor find(membership_self self, caf::atom_value name) {
  return caf::actor_cast<caf::actor>(self->system().registry().get(name));
}

/// The domains a heartbeat announces: the fixed ones and the plugin ones now.
std::vector<std::string> hosted_domains(const cluster_options& o) {
  auto out = o.domains;
  if (o.dynamic_domains)
    for (auto& d : o.dynamic_domains())
      out.push_back(std::move(d));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void publish_beat(membership_self self, const local_state* ls) {
  auto& st = self->state;
  heartbeat_fields f{st.opts.node, st.opts.instance, ++st.beat, st.opts.cfg.heartbeat_interval,
                     st.opts.cfg.down_after, st.opts.version, hosted_domains(st.opts)};
  auto msg = encode_heartbeat(f, ls);
  if (!msg) {
    spdlog::error("membership: {}", self->system().render(msg.error()));
    return;
  }
  if (auto err = st.opts.link->bulk->publish(msg->subject, "", msg->headers, msg->body))
    spdlog::warn("membership: heartbeat {} not sent: {}", st.beat, self->system().render(err));
}

void send_beat(membership_self self) {
  auto repl = find(self, replicator_name);
  if (!repl) {
    publish_beat(self, nullptr);
    return;
  }
  self->request(repl, self->state.opts.cfg.heartbeat_interval, local_state_atom::value)
    .then([=](local_state& ls) { publish_beat(self, &ls); },
          [=](caf::error&) { publish_beat(self, nullptr); });
}

void mark_down(membership_self self, peer_entry& p, const char* why) {
  p.info.up = false;
  auto node = p.info.node;
  spdlog::info("membership: node {} is down ({})", node, why);
  if (auto reg = find(self, registry::registry_name)) {
    auto typed = caf::actor_cast<registry::registry_actor>(reg);
    self->request(typed, registry::ask_timeout, registry::drop_node_atom::value, node)
      .then([node](uint64_t n) { spdlog::info("membership: dropped {} records of {}", n, node); },
            [self, node](caf::error& err) {
              spdlog::warn("membership: dropping {} failed: {}", node,
                           self->system().render(err));
            });
  }
  if (auto repl = find(self, replicator_name))
    self->send(repl, peer_down_atom::value, node);
}

void check_peers(membership_self self) {
  auto now = self->clock().now();
  for (auto& [node, p] : self->state.peers)
    if (p.info.up && now - p.last_seen >= p.down_after)
      mark_down(self, p, "no heartbeat within down_after");
}

void on_heartbeat(membership_self self, const nats::inbound_msg& m) {
  auto hb = decode_heartbeat(m);
  if (!hb) {
    spdlog::warn("membership: {}", self->system().render(hb.error()));
    return;
  }
  auto& st = self->state;
  if (hb->fields.node == st.opts.node)
    return;
  auto& p = st.peers[hb->fields.node];
  if (!p.left_instance.empty() && p.left_instance == hb->fields.instance)
    return; // a beat overtaken by its node's NodeLeave
  bool rejoin = !p.info.up || p.info.instance != hb->fields.instance;
  auto now = self->clock().now();
  p.info = {hb->fields.node, hb->fields.instance, now.time_since_epoch().count(), true,
            hb->fields.version, hb->fields.domains};
  p.last_seen = now;
  p.down_after = hb->fields.down_after.count() > 0 ? hb->fields.down_after : st.opts.cfg.down_after;
  auto repl = find(self, replicator_name);
  if (rejoin) {
    spdlog::info("membership: node {} is up (instance {})", p.info.node, p.info.instance);
    if (repl)
      self->send(repl, peer_up_atom::value, p.info.node, p.info.instance);
  }
  if (repl)
    self->send(repl, peer_beat_atom::value, hb->beat);
}

void on_leave(membership_self self, const nats::inbound_msg& m) {
  auto leave = decode_leave(m);
  if (!leave) {
    spdlog::warn("membership: {}", self->system().render(leave.error()));
    return;
  }
  auto& [node, instance] = *leave;
  if (node == self->state.opts.node)
    return;
  auto& p = self->state.peers[node];
  if (!p.info.instance.empty() && p.info.instance != instance)
    return; // an older incarnation's goodbye
  p.info.node = node;
  p.left_instance = instance;
  mark_down(self, p, "left");
}

void on_expect(membership_self self, const std::string& node) {
  auto& st = self->state;
  if (node == st.opts.node || st.peers.count(node) != 0)
    return;
  auto& p = st.peers[node];
  auto now = self->clock().now();
  p.info.node = node;
  p.info.up = true;
  p.info.last_seen_ns = now.time_since_epoch().count();
  p.last_seen = now;
  p.down_after = st.opts.cfg.down_after;
}

caf::error subscribe(membership_self self) {
  auto& bulk = *self->state.opts.link->bulk;
  auto me = caf::actor_cast<caf::actor>(self);
  auto hb = bulk.subscribe(bridge::heartbeat_wildcard(), "", [me](nats::inbound_msg&& m) {
    caf::anon_send(me, hb_in_atom::value, std::move(m));
  });
  if (!hb)
    return std::move(hb.error());
  self->state.subs.push_back(std::move(*hb));
  auto lv = bulk.subscribe(bridge::leave_wildcard(), "", [me](nats::inbound_msg&& m) {
    caf::anon_send(me, leave_in_atom::value, std::move(m));
  });
  if (!lv)
    return std::move(lv.error());
  self->state.subs.push_back(std::move(*lv));
  return bulk.flush(std::chrono::seconds{5});
}

void publish_name(membership_self self) {
  auto& sys = self->system();
  sys.registry().put(membership_name, caf::actor_cast<caf::strong_actor_ptr>(self));
  self->attach_functor([&sys, addr = self->address()](const caf::error&) {
    auto cur = sys.registry().get(membership_name);
    if (cur && cur->address() == addr)
      sys.registry().erase(membership_name);
  });
}

void on_exit_msg(membership_self self, caf::exit_msg& em) {
  auto& st = self->state;
  if (!em.reason || is_shutdown(em.reason)) {
    st.subs.clear(); // no beat of ours may be seen after the goodbye
    auto msg = encode_leave(st.opts.node, st.opts.instance);
    auto err = msg ? st.opts.link->rpc->publish(msg->subject, "", msg->headers, msg->body)
                   : msg.error();
    if (!err)
      err = st.opts.link->rpc->flush(std::chrono::seconds{1});
    if (err)
      spdlog::warn("membership: NodeLeave not sent: {}", self->system().render(err));
  }
  self->quit(em.reason);
}

caf::behavior membership_impl(membership_self self, cluster_options opts) {
  self->state.opts = std::move(opts);
  auto subject = bridge::heartbeat_subject(self->state.opts.node);
  if (auto err = subject ? subscribe(self) : subject.error()) {
    spdlog::error("membership: {}", self->system().render(err));
    self->quit(std::move(err));
    return {};
  }
  publish_name(self);
  self->set_exit_handler([=](caf::exit_msg& em) { on_exit_msg(self, em); });
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      check_peers(self);
      send_beat(self);
      self->delayed_send(self, self->state.opts.cfg.heartbeat_interval, tick_atom::value);
    },
    [=](hb_in_atom, const nats::inbound_msg& m) { on_heartbeat(self, m); },
    [=](leave_in_atom, const nats::inbound_msg& m) { on_leave(self, m); },
    [=](expect_atom, const std::string& node) { on_expect(self, node); },
    [=](peers_atom) {
      std::vector<peer_info> out;
      for (auto& [node, p] : self->state.peers)
        out.push_back(p.info);
      return out;
    },
  };
}

} // namespace

caf::actor spawn_membership(caf::actor_system& sys, cluster_options opts) {
  return sys.spawn(membership_impl, std::move(opts));
}

} // namespace smith::cluster
