// Several Smith nodes in one process (one actor system each) joined over a real nats-server.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/cluster/cluster_api.hpp"
#include "actors/cluster/cluster_children.hpp"
#include "actors/registry/registry_actor.hpp"
#include "runtime/agent/agent_id.hpp"
#include "runtime/bridge/nats_link.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "tests/support/eventually.hpp"

namespace smith::cluster::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

using smith::test::eventually;

/// Fast settings for tests.
inline config::cluster_config fast_cluster(std::chrono::milliseconds anti_entropy = 300ms) {
  config::cluster_config cc;
  cc.heartbeat_interval = 100ms;
  cc.down_after = 500ms;
  cc.kv_bucket = "smith_registry";
  cc.kv_refresh = 1000ms;
  cc.anti_entropy_interval = anti_entropy;
  return cc;
}

/// One node: its own actor system, NATS link, and a supervisor running the registry and
/// the cluster actors (as smithd's tree does, minus the bridge and the domains).
class cluster_node {
public:
  /// With `await_bridge`, the replicator waits for whatever the test publishes under
  /// bridge::bridge_name to confirm each registration (see cluster_options).
  cluster_node(std::string name, std::vector<std::string> urls, config::cluster_config cc,
               bool await_bridge = false)
    : name_(std::move(name)), instance_(agent::new_uuid()) {
    cfg_.set("scheduler.max-threads", 2);
    configure_actor_system(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    config::nats_config nc;
    nc.urls = std::move(urls);
    nc.reconnect_wait = 50ms;
    nc.connect_timeout = 1000ms;
    nc.ping_interval = 500ms;
    auto link = bridge::open_link(nc, name_);
    REQUIRE_MESSAGE(link, "open_link: ", sys_->render(link.error()));
    link_ = std::move(*link);
    supervision::supervisor_spec spec;
    spec.path = "root-" + name_;
    spec.flags.intensity = 5;
    spec.children.push_back(actors::registry_child({name_, 0, 1000ms, 2, 5}));
    for (auto& c : cluster_children({name_, link_, cc, {"tests"}, "0.1.0", instance_, {}, await_bridge}))
      spec.children.push_back(std::move(c));
    auto sup = supervision::spawn_supervisor(*sys_, std::move(spec));
    REQUIRE_MESSAGE(sup, "supervisor: ", sys_->render(sup.error()));
    sup_ = caf::actor_cast<caf::actor>(*sup);
    dummy_ = sys_->spawn([](caf::event_based_actor*, int) -> caf::behavior {
      return {[](int) {}};
    }, 0);
    // The supervisor starts its children asynchronously.
    REQUIRE(eventually([&] {
      return registry() && named(membership_name) && named(replicator_name);
    }, 5s));
  }

  ~cluster_node() {
    stop(caf::exit_reason::kill);
    caf::anon_send_exit(dummy_, caf::exit_reason::kill);
    sys_.reset();
  }

  cluster_node(const cluster_node&) = delete;
  cluster_node& operator=(const cluster_node&) = delete;

  const std::string& name() const { return name_; }
  const std::string& instance() const { return instance_; }
  caf::actor_system& sys() { return *sys_; }
  bridge::nats_link& link() { return *link_; }

  /// Stops the tree: user_shutdown is graceful (NodeLeave), kill is a crash (no goodbye).
  void stop(caf::exit_reason reason) {
    if (!sup_)
      return;
    caf::scoped_actor self{*sys_};
    // Anonymous: supervisors take exits only from their parent or from nobody.
    if (reason == caf::exit_reason::kill)
      caf::anon_send_exit(sup_, reason);
    else
      caf::anon_send<caf::message_priority::high>(
        sup_, caf::exit_msg{caf::actor_addr{}, shutdown_reason("test")});
    self->wait_for(sup_);
    sup_ = nullptr;
  }

  registry::registry_actor registry() {
    return caf::actor_cast<registry::registry_actor>(sys_->registry().get(registry::registry_name));
  }

  caf::actor named(caf::atom_value name) {
    return caf::actor_cast<caf::actor>(sys_->registry().get(name));
  }

  /// Sends `xs` to `dest` and waits (up to 5 s) for a T.
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, Ts&&... xs) {
    if (!dest)
      return caf::make_error(caf::sec::invalid_argument, "no such actor");
    caf::expected<T> out = caf::make_error(caf::sec::request_timeout);
    caf::scoped_actor self{*sys_};
    self->request(dest, 5s, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  /// Registers a local agent `name` of domain "tests"; returns its record.
  registry::agent_record register_agent(const std::string& name) {
    registry::agent_record r;
    auto id = agent::make_agent_id("tests", name, "1.0.0");
    REQUIRE(id);
    r.id = *id;
    r.handle = dummy_;
    r.capabilities = {{"work", "", {{"owner", name_}}}};
    r.node = name_;
    auto ok = ask<caf::ok_atom>(registry(), registry::register_atom::value, r);
    REQUIRE_MESSAGE(ok, "register: ", sys_->render(ok.error()));
    return r;
  }

  void deregister(const registry::agent_record& r) {
    auto ok = ask<caf::ok_atom>(registry(), registry::deregister_atom::value, r.id.instance);
    REQUIRE_MESSAGE(ok, "deregister: ", sys_->render(ok.error()));
  }

  /// Whether this node's registry resolves agent `name` to a record of node `node`.
  bool sees(const std::string& name, const std::string& node) {
    auto r = ask<registry::agent_record>(registry(), registry::resolve_atom::value,
                                         std::string{"tests"}, name);
    return r && r->node == node;
  }

  /// This node's registry digest of `node`'s records.
  registry::registry_digest digest(const std::string& node) {
    auto d = ask<registry::registry_digest>(registry(), registry::digest_atom::value, node);
    return d ? *d : registry::registry_digest{~0ull, ~0ull};
  }

  std::vector<peer_info> peers() {
    auto ps = ask<std::vector<peer_info>>(named(membership_name), peers_atom::value);
    return ps ? *ps : std::vector<peer_info>{};
  }

  /// Whether membership reports `node` up.
  bool has_up_peer(const std::string& node) {
    auto ps = peers();
    return std::any_of(ps.begin(), ps.end(),
                       [&](const peer_info& p) { return p.node == node && p.up; });
  }

  /// The replicator's own digest and sequence.
  local_state local() {
    auto ls = ask<local_state>(named(replicator_name), local_state_atom::value);
    return ls ? *ls : local_state{};
  }

private:
  std::string name_;
  std::string instance_;
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::shared_ptr<bridge::nats_link> link_;
  caf::actor sup_;
  caf::actor dummy_;
};

/// Whether every node's view of every other node equals that node's own records.
inline bool converged(const std::vector<cluster_node*>& nodes) {
  for (auto* owner : nodes) {
    auto own = owner->digest(owner->name());
    for (auto* other : nodes)
      if (other != owner && other->digest(owner->name()) != own)
        return false;
  }
  return true;
}

/// Whether every node sees every other one up.
inline bool all_up(const std::vector<cluster_node*>& nodes) {
  for (auto* x : nodes)
    for (auto* y : nodes)
      if (x != y && !x->has_up_peer(y->name()))
        return false;
  return true;
}

} // namespace smith::cluster::test
