// The bridge follows the node's registry: every local agent gets its direct subscription.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"
#include "runtime/bridge/subject.hpp"

namespace smith::actors {

namespace {

constexpr auto drain_timeout = std::chrono::milliseconds{2000};

void add_agent(bridge_self* self, const registry::agent_record& r) {
  auto& st = self->state;
  if (!r.handle || r.node != st.opts.node)
    return;
  local_agent a{r.id.domain, r.id.name, r.id.instance, r.handle, nullptr, {}};
  if (st.opts.catalog)
    if (auto* type = st.opts.catalog->find_agent(r.id.domain, r.agent_type, r.id.version))
      a.endpoints = type->endpoints;
  if (st.opts.link && a.endpoints) {
    auto subject = bridge::agent_wildcard(r.id.domain, r.id.name);
    auto& rpc = *st.opts.link->rpc;
    auto sub = subject ? rpc.subscribe_view(*subject, "", inbound_handler(self, &a))
                       : caf::expected<nats::subscription>{subject.error()};
    if (!sub) {
      spdlog::error("bridge: agent {}/{} is not reachable over NATS: {}", r.id.domain, r.id.name,
                    self->system().render(sub.error()));
    } else {
      a.sub = std::move(*sub);
    }
  }
  st.out->set_local(a.domain, a.name, a.handle, a.endpoints);
  auto instance = a.instance;
  st.agents.upsert(std::move(a));
  release_route_waiters(self, instance);
}

void reset_directory(bridge_self* self, const std::vector<registry::agent_record>& snapshot) {
  self->state.agents.clear();
  self->state.out->clear_local();
  for (auto& r : snapshot)
    add_agent(self, r);
}

} // namespace

void watch_registry(bridge_self* self) {
  auto reg = self->system().registry().get(registry::registry_name);
  if (!reg) {
    self->delayed_send(self, registry::rewatch_delay, bridge::rewatch_atom::value);
    return;
  }
  auto handle = caf::actor_cast<registry::registry_actor>(reg);
  self->state.registry = caf::actor_cast<caf::actor>(reg);
  registry::record_filter filter;
  filter.node = self->state.opts.node;
  self->monitor(handle);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.registry.address())
      self->delayed_send(self, registry::rewatch_delay, bridge::rewatch_atom::value);
  });
  self->request(handle, registry::ask_timeout, registry::watch_atom::value, filter,
                caf::actor_cast<caf::actor>(self))
    .then([=](registry::watch_ack& ack) { reset_directory(self, ack.snapshot); },
          [=](caf::error& err) {
            spdlog::warn("bridge: watching the registry failed ({}), retrying",
                         self->system().render(err));
            self->delayed_send(self, registry::rewatch_delay, bridge::rewatch_atom::value);
          });
}

void on_watch_event(bridge_self* self, const registry::watch_event& ev) {
  auto& r = ev.record;
  switch (ev.kind) {
    case registry::watch_kind::registered:
      add_agent(self, r);
      break;
    case registry::watch_kind::deregistered:
      if (self->state.agents.erase(r.id.domain, r.id.name, r.id.instance))
        self->state.out->erase_local(r.id.domain, r.id.name, r.handle);
      break;
    default:
      break;
  }
}

caf::error subscribe_routes(bridge_self* self) {
  auto& st = self->state;
  st.agents.set_node(st.opts.node);
  for (auto& [domain, pool] : st.opts.pools)
    st.agents.add_pool(domain, pool);
  if (!st.opts.link)
    return {};
  auto& rpc = *st.opts.link->rpc;
  auto add = [&](caf::expected<std::string> subject, std::string queue,
                 std::function<void(const nats::inbound_view&)> cb) -> caf::error {
    if (!subject)
      return std::move(subject.error());
    auto sub = rpc.subscribe_view(*subject, queue, std::move(cb));
    if (!sub)
      return std::move(sub.error());
    st.subs.push_back(std::move(*sub));
    return {};
  };
  for (auto& [domain, pool] : st.opts.pools) {
    auto queue = bridge::queue_group(domain, pool);
    if (!queue)
      return std::move(queue.error());
    if (auto err = add(bridge::agent_wildcard(domain, pool), *queue, inbound_handler(self)))
      return err;
  }
  for (auto& domain : st.opts.domains)
    if (auto err = add(bridge::broadcast_wildcard(domain), "", inbound_handler(self)))
      return err;
  if (auto err = add(bridge::reply_wildcard(st.opts.link->reply_prefix), "", reply_handler(self)))
    return err;
  if (auto err = sync_dynamic_routes(self))
    return err;
  return rpc.flush(std::chrono::seconds{5});
}

caf::error sync_dynamic_routes(bridge_self* self) {
  auto& st = self->state;
  if (!st.opts.dynamic)
    return {};
  std::map<std::string, std::pair<std::string, std::string>> wanted; // key -> (domain, pool)
  for (auto& [domain, pool] : st.opts.dynamic->pools()) {
    wanted.emplace("pool:" + domain + "/" + pool, std::make_pair(domain, pool));
    if (std::find(st.opts.domains.begin(), st.opts.domains.end(), domain) == st.opts.domains.end())
      wanted.emplace("all:" + domain, std::make_pair(domain, std::string{}));
  }
  // Removed routes are drained, not dropped: what the server already sent still reaches the
  // agents (or gets an explicit error), never silence. The local pool entry stays (empty
  // once its agents leave) so that those last requests still find their members.
  std::vector<std::string> gone;
  for (auto& [key, sub] : st.dynamic_subs)
    if (wanted.count(key) == 0) {
      gone.push_back(key);
      if (sub.valid() && !sub.drain())
        if (auto err = sub.await_drained(drain_timeout))
          spdlog::warn("bridge: {}", self->system().render(err));
    }
  for (auto& key : gone)
    st.dynamic_subs.erase(key);
  for (auto& [key, dp] : wanted) {
    if (st.dynamic_subs.count(key) != 0)
      continue;
    if (!dp.second.empty())
      st.agents.add_pool(dp.first, dp.second);
    if (!st.opts.link) {
      st.dynamic_subs.emplace(key, nats::subscription{});
      continue;
    }
    auto subject = dp.second.empty() ? bridge::broadcast_wildcard(dp.first)
                                     : bridge::agent_wildcard(dp.first, dp.second);
    auto queue = dp.second.empty() ? caf::expected<std::string>{std::string{}}
                                   : bridge::queue_group(dp.first, dp.second);
    if (!subject || !queue)
      return !subject ? std::move(subject.error()) : std::move(queue.error());
    auto sub = st.opts.link->rpc->subscribe_view(*subject, *queue, inbound_handler(self));
    if (!sub)
      return std::move(sub.error());
    st.dynamic_subs.emplace(key, std::move(*sub));
  }
  return st.opts.link ? st.opts.link->rpc->flush(std::chrono::seconds{5}) : caf::error{};
}

} // namespace smith::actors
