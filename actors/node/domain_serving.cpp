// Waiting until a domain's agents serve: registered and routed by the bridge, so that a call
// made after the node started (or after a domain loaded) reaches them.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/domain_loader_internal.hpp"
#include "runtime/agent/agent_status.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/core/atoms.hpp"

namespace smith::actors {

namespace {

using serving_clock = std::chrono::steady_clock;

/// What is left of `until`, at least 1 ms (a request needs a positive timeout).
std::chrono::milliseconds serving_left(serving_clock::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - serving_clock::now());
  return std::max(left, std::chrono::milliseconds{1});
}

/// For each of `agents`, whether `bridge` routes it by `until`: asks each agent for its
/// instance, then the bridge to answer once that instance is routed and its subscription
/// flushed. All questions of a round are in flight at once, so the bridge flushes once per
/// batch rather than once per agent.
std::vector<bool> routed_agents(caf::actor_system& sys, const caf::actor& bridge,
                                const std::vector<caf::actor>& agents,
                                serving_clock::time_point until) {
  caf::scoped_actor self{sys};
  std::vector<bool> out(agents.size(), true);
  using reply_handle = decltype(self->request(bridge, std::chrono::milliseconds{}, ok_atom::value));
  std::vector<reply_handle> asked;
  for (auto& a : agents)
    asked.push_back(self->request(a, serving_left(until), status_atom::value));
  std::vector<agent::agent_id> ids(agents.size());
  for (size_t i = 0; i < agents.size(); ++i)
    asked[i].receive([&](agent::agent_status& st) { ids[i] = std::move(st.id); },
                     [&](caf::error& err) {
                       // Not an SDK agent, or gone: nothing to wait for. No answer: late.
                       out[i] = err != caf::sec::request_timeout;
                     });
  std::vector<std::pair<size_t, reply_handle>> routing;
  for (size_t i = 0; i < agents.size(); ++i)
    if (!ids[i].instance.empty())
      routing.emplace_back(i, self->request(bridge, serving_left(until), bridge::routed_atom::value,
                                            ids[i].domain, ids[i].name, ids[i].instance));
  for (auto& [i, handle] : routing)
    handle.receive([](ok_atom) {}, [&, at = i](caf::error&) { out[at] = false; });
  return out;
}

} // namespace

caf::error domain_loader::await_serving(const domain_info& d, serving_clock::time_point until) {
  // Through the root, not the system registry: the bridge names itself there only once it
  // runs, which may be after start() returned. Asking it waits for that.
  auto bridge = internal::ask<caf::actor>(sys_, root(), serving_left(until),
                                          get_child_atom::value,
                                          std::string{bridge_child_id});
  if (!bridge)
    return std::move(bridge.error());
  auto dom = internal::ask<caf::actor>(sys_, root(), serving_left(until), get_child_atom::value,
                                       d.supervisor);
  if (!dom)
    return std::move(dom.error());
  auto tree = internal::collect_tree(sys_, *dom);
  auto routed = routed_agents(sys_, *bridge, tree.agents, until);
  std::vector<std::string> late;
  for (size_t i = 0; i < tree.agents.size(); ++i)
    if (!routed[i])
      late.push_back(tree.names[i]);
  if (late.empty())
    return {};
  std::string names;
  for (size_t i = 0; i < late.size() && i < 5; ++i)
    names += (i == 0 ? "" : ", ") + late[i];
  if (late.size() > 5)
    names += ", ... (" + std::to_string(late.size()) + " in all)";
  return caf::make_error(caf::sec::request_timeout,
                         "domain " + d.name + ": not routed yet: " + names);
}

caf::error domain_loader::await_serving(std::chrono::milliseconds within) {
  auto until = serving_clock::now() + within;
  std::vector<domain_info> running;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& e : entries_)
      if (e->info.state == domain_state::running)
        running.push_back(e->info);
  }
  caf::error first;
  for (auto& d : running)
      if (auto err = await_serving(d, until); err && !first)
        first = std::move(err);
  return first;
}

} // namespace smith::actors
