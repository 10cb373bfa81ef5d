// An actor that collects supervisor events for assertions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "runtime/supervision/supervisor_event.hpp"

namespace smith::test {

/// Shared, test-thread-owned list of events, in arrival order.
using event_list = std::shared_ptr<std::vector<supervision::supervisor_event>>;

/// Spawns a sink that appends every supervisor_event to `out`.
inline caf::actor spawn_event_recorder(caf::actor_system& sys, event_list out) {
  // `out` is a spawn argument: CAF 0.17 mishandles argument-less function actors.
  return sys.spawn(
    [](caf::event_based_actor*, event_list out) -> caf::behavior {
      return {[out](const supervision::supervisor_event& ev) { out->push_back(ev); }};
    },
    out);
}

/// Child ids of events of `kind`, in order.
inline std::vector<std::string> ids_of(const event_list& evs, supervision::event_kind kind) {
  std::vector<std::string> out;
  for (auto& ev : *evs)
    if (ev.kind == kind)
      out.push_back(ev.child_id);
  return out;
}

/// Number of events of `kind` concerning `child` (any child when empty).
inline size_t count_of(const event_list& evs, supervision::event_kind kind,
                       const std::string& child = {}) {
  size_t n = 0;
  for (auto& ev : *evs)
    if (ev.kind == kind && (child.empty() || ev.child_id == child))
      ++n;
  return n;
}

} // namespace smith::test
