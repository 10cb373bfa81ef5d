// Unloading a plugin domain: drain its agents, stop its supervisor, deregister, dlclose.
#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_api.hpp"
#include "actors/node/domain_loader_internal.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/registry/registry_api.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith::actors {

using plugin::plugin_errc;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds request_timeout{5000};
constexpr milliseconds poll_pause{1};

/// Polls `sup` until it is shutting down or gone (it then restarts nothing), up to 10 s.
/// delete_child of an id no supervisor has answers shutting_down first, else not_found.
void await_shutting_down(caf::actor_system& sys, const caf::actor& sup) {
  auto typed = caf::actor_cast<supervision::supervisor_actor>(sup);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < until) {
    auto r = internal::ask<ok_atom>(sys, typed, request_timeout, delete_child_atom::value,
                                    std::string{"~unload-probe"});
    if (r || r.error().category() != caf::atom("smith_sup")
        || r.error().code()
             != static_cast<uint8_t>(supervision::supervision_errc::not_found))
      return; // shutting_down, or gone (request_receiver_down)
    std::this_thread::sleep_for(poll_pause);
  }
}

} // namespace

namespace internal {

std::vector<supervision::child_info> running_children(caf::actor_system& sys,
                                                      const caf::actor& sup) {
  auto typed = caf::actor_cast<supervision::supervisor_actor>(sup);
  auto xs = internal::ask<std::vector<supervision::child_info>>(sys, typed, request_timeout,
                                                                which_children_atom::value);
  std::vector<supervision::child_info> out;
  if (xs)
    for (auto& x : *xs)
      if (x.status == supervision::child_status::running && x.handle)
        out.push_back(std::move(x));
  return out;
}

domain_tree collect_tree(caf::actor_system& sys, const caf::actor& dom) {
  domain_tree out;
  for (auto& p : running_children(sys, dom)) {
    out.pools.push_back(p.handle);
    for (auto& a : running_children(sys, p.handle)) {
      out.agents.push_back(a.handle);
      out.names.push_back(a.id);
    }
  }
  return out;
}

} // namespace internal

supervision::supervisor_actor domain_loader::root() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return root_;
}

caf::error domain_loader::sync_bridge() {
  auto hdl = sys_.registry().get(bridge::bridge_name);
  if (!hdl)
    return {}; // no bridge (yet): it reads the route set when it starts
  auto r = internal::ask<ok_atom>(sys_, caf::actor_cast<bridge::bridge_actor>(hdl),
                                  std::chrono::seconds{10}, bridge::routes_atom::value);
  return r ? caf::error{} : std::move(r.error());
}

size_t domain_loader::count_agents(const domain_info& d) const {
  auto dom = internal::ask<caf::actor>(sys_, root(), request_timeout, get_child_atom::value,
                                       d.supervisor);
  if (!dom)
    return 0;
  size_t n = 0;
  for (auto& pool : internal::running_children(sys_, *dom))
    n += internal::running_children(sys_, pool.handle).size();
  return n;
}

caf::expected<domain_loader::entry*>
domain_loader::find_entry(const std::string& name, const std::string& range) const {
  auto parsed = agent::version_range::parse(range);
  if (!parsed)
    return std::move(parsed.error());
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<entry*> hits;
  std::string have;
  for (auto& e : entries_) {
    if (e->info.name != name)
      continue;
    have += (have.empty() ? "" : ", ") + (e->info.version.empty() ? "?" : e->info.version);
    if (e->info.version == range || e->info.version.empty() || parsed->matches(e->info.version))
      hits.push_back(e.get());
  }
  if (hits.size() == 1)
    return hits.front();
  return caf::make_error(hits.empty() ? plugin_errc::not_loaded : plugin_errc::ambiguous,
                         "domain " + name + " version '" + range + "': "
                           + (hits.empty() ? "not loaded (loaded: " : "matches several (")
                           + (have.empty() ? "none" : have) + ")");
}

caf::error domain_loader::unload(const std::string& name, const std::string& range,
                                 milliseconds deadline) {
  std::lock_guard<std::mutex> op{op_mtx_};
  auto found = find_entry(name, range);
  if (!found)
    return std::move(found.error());
  auto* e = *found;
  if (!e->from_plugin && e->info.state != domain_state::failed)
    return caf::make_error(plugin_errc::not_unloadable,
                           "domain " + name + " " + e->info.version + " is linked into smithd");
  auto erase = [this, e] {
    std::lock_guard<std::mutex> guard{mtx_};
    entries_.erase(std::find_if(entries_.begin(), entries_.end(),
                                [e](auto& x) { return x.get() == e; }));
  };
  if (e->info.state == domain_state::failed) { // nothing runs: forget it (and its library)
    auto version = e->info.version;
    bool loaded = e->from_plugin && host_ != nullptr && host_->find(name, version) != nullptr;
    erase();
    return loaded ? host_->unload(name, version, std::chrono::seconds{5}) : caf::error{};
  }
  {
    std::lock_guard<std::mutex> guard{mtx_};
    e->info.state = domain_state::draining;
  }
  spdlog::info("domain {} {}: draining (deadline {} ms)", name, e->info.version, deadline.count());
  // Pools leave the bridge first (their subscriptions drained: nothing already sent is lost),
  // so new requests get an explicit error at once while the agents finish what they have.
  routes_->remove(e->pools);
  if (auto err = sync_bridge())
    spdlog::warn("domain {}: the bridge kept its routes: {}", name, sys_.render(err));
  if (auto err = drain(*e, deadline)) {
    std::lock_guard<std::mutex> guard{mtx_};
    e->info.state = domain_state::failed;
    e->info.error = supervision::describe_reason(sys_, err);
    return err;
  }
  // Only once no other node can route to the agents is their code unloaded; if that is not
  // confirmed in time the unload goes on (the agents are gone here), and says so.
  auto unconfirmed = confirm_deregistered(*e);
  auto version = e->info.version;
  erase();
  if (auto err = host_->unload(name, version, deadline + std::chrono::seconds{5}))
    return err;
  return unconfirmed;
}

milliseconds domain_loader::confirmation_deadline() const {
  // A peer that missed the change notices the gap at its next anti-entropy round (a heartbeat
  // later at most) and resyncs: that is how long a healthy cluster may need.
  auto& c = cfg_.cluster;
  return std::max(milliseconds{1000}, c.anti_entropy_interval + 2 * c.heartbeat_interval);
}

caf::error domain_loader::confirm_deregistered(const entry& e) {
  auto repl = sys_.registry().get(cluster::replicator_name);
  if (!repl)
    return {}; // a single node: this registry was the only one
  auto timeout = confirmation_deadline();
  auto what = "domain " + e.info.name + " " + e.info.version;
  auto report = internal::ask<cluster::barrier_report>(
    sys_, caf::actor_cast<caf::actor>(repl), timeout + std::chrono::seconds{2},
    cluster::barrier_atom::value, static_cast<uint64_t>(timeout.count()));
  std::string missing;
  if (!report)
    missing = "the replicator did not answer: " + sys_.render(report.error());
  else
    for (auto& x : report->unconfirmed)
      missing += (missing.empty() ? "" : "; ") + x;
  if (report && !report->kv_error.empty())
    missing += (missing.empty() ? "" : "; ") + ("KV bucket: " + report->kv_error);
  if (missing.empty()) {
    spdlog::info("{}: deregistered cluster-wide (confirmed by {} other node(s))", what,
                 report->confirmed.size());
    return {};
  }
  auto text = what + " is unloaded, but its agents' deregistration was not confirmed "
              "cluster-wide within " + std::to_string(timeout.count()) + " ms: " + missing;
  spdlog::error("{}", text);
  return caf::make_error(plugin_errc::unconfirmed, std::move(text));
}

caf::error domain_loader::drain(const entry& e, milliseconds deadline) {
  auto root_hdl = root();
  if (!root_hdl)
    return caf::make_error(plugin_errc::stop_failed, "the node is not running");
  auto dom = internal::ask<caf::actor>(sys_, root_hdl, request_timeout, get_child_atom::value,
                                       e.info.supervisor);
  internal::domain_tree tree;
  if (dom)
    tree = internal::collect_tree(sys_, *dom);
  auto& [pools, agents, names] = tree;
  // Top down, each level shutting down before the one below stops, so that nothing restarts:
  // the root terminates the domain supervisor, every pool supervisor is told to shut down,
  // then every agent drains at once (refuses new work, finishes what it accepted).
  caf::scoped_actor term{sys_};
  auto pending = term->request(root_hdl, deadline + std::chrono::seconds{30},
                               terminate_child_atom::value, e.info.supervisor);
  if (dom)
    await_shutting_down(sys_, *dom);
  for (auto& p : pools)
    caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  for (auto& p : pools)
    await_shutting_down(sys_, p);
  for (auto& a : agents)
    caf::anon_send(a, drain_atom::value, static_cast<uint64_t>(std::max<int64_t>(1, deadline.count())));
  caf::error err;
  pending.receive([](ok_atom) {}, [&](caf::error& x) { err = std::move(x); });
  if (err)
    return caf::make_error(plugin_errc::stop_failed,
                           "domain " + e.info.name + " " + e.info.version + ": supervisor "
                             + e.info.supervisor + " did not stop: "
                             + supervision::describe_reason(sys_, err));
  internal::ask<ok_atom>(sys_, root_hdl, request_timeout, delete_child_atom::value,
                         e.info.supervisor);
  await_deregistration(e, names);
  return {};
}

void domain_loader::await_deregistration(const entry& e, const std::vector<std::string>& names) {
  auto reg = sys_.registry().get(registry::registry_name);
  if (!reg || names.empty())
    return;
  auto typed = caf::actor_cast<registry::registry_actor>(reg);
  registry::record_filter filter;
  filter.domain = e.info.name;
  filter.node = cfg_.name;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (std::chrono::steady_clock::now() < until) {
    auto recs = internal::ask<std::vector<registry::agent_record>>(sys_, typed, request_timeout,
                                                                   registry::list_atom::value,
                                                                   filter);
    if (!recs)
      return;
    auto left = std::count_if(recs->begin(), recs->end(), [&](auto& r) {
      return std::find(names.begin(), names.end(), r.id.name) != names.end();
    });
    if (left == 0)
      return;
    std::this_thread::sleep_for(poll_pause);
  }
  spdlog::warn("domain {} {}: agents still registered 5 s after they stopped", e.info.name,
               e.info.version);
}

} // namespace smith::actors
