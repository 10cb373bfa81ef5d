// `routed`: the bridge confirms that a local agent's subscription reached the NATS server, so
// that the replicator announces an agent to the cluster only once it can be called.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/bridge_state.hpp"

namespace smith::actors {

namespace {

/// Queues `rp` for the next flush, scheduling one if none is due.
void routed_after_flush(bridge_self* self, caf::response_promise rp) {
  auto& st = self->state;
  if (st.route_flushes.empty())
    self->send(self, bridge::routed_flush_atom::value);
  st.route_flushes.push_back(std::move(rp));
}

/// Removes and returns the `routed` callers waiting for `instance` (none: empty).
std::vector<caf::response_promise> take_route_waiters(bridge_state& st,
                                                      const std::string& instance) {
  auto i = st.route_waiters.find(instance);
  if (i == st.route_waiters.end())
    return {};
  auto waiting = std::move(i->second);
  st.route_waiters.erase(i);
  return waiting;
}

} // namespace

void on_routed(bridge_self* self, const std::string& domain, const std::string& name,
               const std::string& instance, caf::response_promise rp) {
  auto& st = self->state;
  auto* a = st.agents.find(domain, name);
  if (a != nullptr && a->instance == instance) {
    routed_after_flush(self, std::move(rp));
    return;
  }
  auto& waiting = st.route_waiters[instance];
  if (waiting.empty())
    self->delayed_send(self, bridge::route_wait, bridge::routed_expire_atom::value, instance);
  waiting.push_back(std::move(rp));
}

void release_route_waiters(bridge_self* self, const std::string& instance) {
  for (auto& rp : take_route_waiters(self->state, instance))
    routed_after_flush(self, std::move(rp));
}

void flush_routes(bridge_self* self) {
  auto& st = self->state;
  auto waiting = std::move(st.route_flushes);
  st.route_flushes.clear();
  caf::error err;
  if (st.opts.link)
    err = st.opts.link->rpc->flush(std::chrono::seconds{5});
  if (err)
    spdlog::warn("bridge {}: flushing new subscriptions failed: {}", st.opts.node,
                 self->system().render(err));
  for (auto& rp : waiting)
    if (err)
      rp.deliver(err);
    else
      rp.deliver(ok_atom::value);
}

void expire_route_waiters(bridge_self* self, const std::string& instance) {
  auto& st = self->state;
  for (auto& rp : take_route_waiters(st, instance))
    rp.deliver(caf::make_error(bridge::wire_code::unavailable,
                               "agent instance " + instance + " did not reach the bridge of node "
                                 + st.opts.node + " within "
                                 + std::to_string(bridge::route_wait.count()) + " ms"));
}

} // namespace smith::actors
