// The node's /metrics document: Prometheus text format gathered from the runtime's counters.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "runtime/bridge/nats_link.hpp"

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

class supervision_tally;

/// Where a scrape finds the numbers of one node. Pointers may be null (that part is then
/// left out: no NATS, no store); the actor system must outlive every scrape.
struct metrics_sources {
  caf::actor_system* sys = nullptr;
  /// Node name (smith_node_info).
  std::string node;
  std::shared_ptr<bridge::nats_link> link;
  std::shared_ptr<persistence::event_store> store;
  std::shared_ptr<supervision_tally> tally;
  /// Readiness as /readyz sees it.
  std::function<bool(std::string&)> ready;
  /// Longest wait for the bridge and the registry (found in CAF's actor registry).
  std::chrono::milliseconds timeout{1000};
};

/// Renders every metric of docs/observability.md in text format 0.0.4. Blocking: asks the
/// bridge and the registry with `src.timeout` each (a part that does not answer in time has
/// no samples, and smith_metrics_source_up{source} says 0); call it from an HTTP worker
/// thread, never from an actor.
std::string render_metrics(const metrics_sources& src);

} // namespace smith::actors
