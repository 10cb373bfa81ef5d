// Internals shared by domain_loader.cpp and domain_drain.cpp (actors/node only).
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include <caf/all.hpp>

#include "actors/node/domain_loader.hpp"

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

} // namespace smith::actors::internal
