// The bridge actor: lifecycle and message dispatch.
#include "actors/bridge/bridge_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"

namespace smith::actors {

const char* bridge_state::name = "smith.bridge";

bridge_state::~bridge_state() {
  // Unsubscribing first: no callback may post to us while we go.
  subs.clear();
  agents.clear();
  if (out && sys)
    bridge::outbound::withdraw(*sys, out.get());
  std::unordered_map<uint64_t, pending_call> left;
  {
    std::lock_guard guard{pending->mtx};
    pending->closed = true;
    left.swap(pending->calls);
  }
  for (auto& [corr, p] : left)
    p.rp.deliver(caf::make_error(bridge::wire_code::unavailable, "bridge stopped"));
}

namespace {

bridge::bridge_stats collect_stats(bridge_self* self) {
  auto& st = self->state;
  auto out = st.stats;
  out.inbound += st.counters->inbound.load();
  out.replies_sent += st.counters->direct_replies.load();
  for (size_t i = 0; i < st.counters->rejected.size(); ++i)
    if (auto n = st.counters->rejected[i].load())
      out.rejected[bridge::status_of(static_cast<bridge::wire_code>(i))] += n;
  {
    std::lock_guard guard{st.pending->mtx};
    out.pending_calls = st.pending->calls.size();
    out.remote_calls += st.pending->direct_calls;
    for (auto& [key, n] : st.pending->direct_outbound)
      out.outbound[key] += n;
  }
  out.late_replies += st.pending->late.load();
  out.local_agents = st.agents.size();
  return out;
}

caf::behavior bridge_impl(bridge_self* self, bridge_options opts) {
  self->state.opts = std::move(opts);
  auto& o = self->state.opts;
  self->state.sys = &self->system();
  self->state.out = std::make_shared<bridge::outbound>(
    o.link, o.node, o.limits.max_payload);
  if (o.link)
    self->state.out->set_remote_call(direct_call_fn(self));
  bridge::outbound::install(self->system(), self->state.out);
  self->system().registry().put(bridge::bridge_name, caf::actor_cast<caf::strong_actor_ptr>(self));
  self->attach_functor([&sys = self->system(), addr = self->address()](const caf::error&) {
    auto cur = sys.registry().get(bridge::bridge_name);
    if (cur && cur->address() == addr)
      sys.registry().erase(bridge::bridge_name); // a restarted bridge republishes itself
  });
  if (auto err = subscribe_routes(self)) {
    spdlog::error("bridge: {}", self->system().render(err));
    self->quit(std::move(err));
    return {};
  }
  watch_registry(self);
  return {
    [=](bridge::call_atom, bridge::call_request& cr) {
      auto rp = self->make_response_promise();
      on_call(self, cr, rp);
      return rp;
    },
    [=](bridge::cast_atom, bridge::call_request& cr) {
      auto rp = self->make_response_promise();
      on_cast(self, cr, rp);
      return rp;
    },
    [=](bridge::gather_atom, bridge::call_request& cr, uint32_t expected) {
      auto rp = self->make_response_promise();
      on_gather(self, cr, expected, rp);
      return rp;
    },
    [=](bridge::stats_atom) { return collect_stats(self); },
    [=](bridge::endpoint_stats_atom) {
      std::vector<bridge::endpoint_stat> out;
      auto& table = *self->state.endpoint_stats;
      std::lock_guard guard{table.mtx};
      for (auto& [key, stat] : table.stats)
        out.push_back(stat);
      return out;
    },
    [=](bridge::routes_atom) -> caf::result<ok_atom> {
      if (auto err = sync_dynamic_routes(self))
        return err;
      return ok_atom::value;
    },
    [=](bridge::routed_atom, const std::string& domain, const std::string& name,
        const std::string& instance) {
      auto rp = self->make_response_promise();
      on_routed(self, domain, name, instance, rp);
      return rp;
    },
    [=](bridge::routed_flush_atom) { flush_routes(self); },
    [=](bridge::routed_expire_atom, const std::string& instance) {
      expire_route_waiters(self, instance);
    },
    [=](bridge::inbound_atom, bridge::inbound_request& req) { on_inbound(self, req); },
    [=](bridge::reply_atom, nats::inbound_msg& m) { on_reply(self, m); },
    [=](bridge::expire_atom, uint64_t corr) { on_expire(self, corr); },
    [=](bridge::rewatch_atom) { watch_registry(self); },
    [=](registry::watch_event& ev) { on_watch_event(self, ev); },
  };
}

} // namespace

void route_set::add(const std::vector<service_pool>& pools) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& p : pools)
    if (std::none_of(pools_.begin(), pools_.end(), [&](const service_pool& x) {
          return x.domain == p.domain && x.pool == p.pool;
        }))
      pools_.push_back(p);
}

void route_set::remove(const pool_list& pools) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& [domain, pool] : pools)
    pools_.erase(std::remove_if(pools_.begin(), pools_.end(),
                                [&](const service_pool& x) {
                                  return x.domain == domain && x.pool == pool;
                                }),
                 pools_.end());
}

route_set::pool_list route_set::pools() const {
  std::lock_guard<std::mutex> guard{mtx_};
  pool_list out;
  for (auto& p : pools_)
    out.emplace_back(p.domain, p.pool);
  return out;
}

std::vector<service_pool> route_set::services() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pools_;
}

std::vector<std::string> route_set::domains() const {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& p : pools_)
      out.push_back(p.domain);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bridge::bridge_actor spawn_bridge(caf::actor_system& sys, bridge_options opts) {
  return caf::actor_cast<bridge::bridge_actor>(sys.spawn(bridge_impl, std::move(opts)));
}

supervision::child_spec bridge_child(bridge_options opts) {
  supervision::child_spec spec;
  spec.id = bridge_child_id;
  spec.start = [opts](const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    return caf::actor_cast<caf::actor>(spawn_bridge(ctx.system, opts));
  };
  return spec;
}

} // namespace smith::actors
