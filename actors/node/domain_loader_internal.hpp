// Internals shared by domain_loader.cpp and domain_drain.cpp (actors/node only).
#pragma once

#include <chrono>
#include <string>
#include <vector>
#include <utility>

#include <caf/all.hpp>

#include "actors/node/domain_loader.hpp"
#include "runtime/supervision/child_info.hpp"

namespace smith::actors {

struct domain_loader::entry {
  domain_info info;
  /// Loaded through the plugin host (at boot or at runtime); false = linked in.
  bool from_plugin = false;
  /// Its pools (domain, version-suffixed pool name), as routed by the bridge.
  route_set::pool_list pools;
};

} // namespace smith::actors

namespace smith::actors::internal {

/// A blocking request from a fresh scoped actor: the reply, or the error (timeout included).
template <class T, class Handle, class... Ts>
caf::expected<T> ask(caf::actor_system& sys, const Handle& hdl, std::chrono::milliseconds timeout,
                     Ts&&... xs) {
  if (!hdl)
    return caf::make_error(caf::sec::invalid_argument, "no such actor");
  caf::scoped_actor self{sys};
  caf::expected<T> out{caf::make_error(caf::sec::request_timeout)};
  self->request(hdl, timeout, std::forward<Ts>(xs)...)
    .receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { out = std::move(err); });
  return out;
}

/// Children of supervisor `sup` that run now (none when it does not answer in 5 s).
std::vector<supervision::child_info> running_children(caf::actor_system& sys,
                                                      const caf::actor& sup);

/// The pool supervisors of a domain supervisor, their agents and the agents' names.
struct domain_tree {
  std::vector<caf::actor> pools;
  std::vector<caf::actor> agents;
  std::vector<std::string> names;
};

/// The running pools and agents under domain supervisor `dom`.
domain_tree collect_tree(caf::actor_system& sys, const caf::actor& dom);

} // namespace smith::actors::internal
