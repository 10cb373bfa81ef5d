// The demo's traffic: calls the examples agents and now and then crashes one.
#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "runtime/supervision/supervisor.hpp"

namespace smith::tools {

/// Pacing of the demo driver.
struct demo_options {
  /// Time between two rounds of calls.
  std::chrono::milliseconds interval{700};
  /// Every this many rounds, counter-1 is told to crash.
  int crash_every = 5;
};

/// Spawns the driver. Each round it finds an echo agent through the registry
/// (find_healthy, round robin) and resolves examples/counter/counter-1 through
/// the supervision tree (handles change on restart), calls both and logs the
/// replies. Stop it with an exit message.
caf::actor spawn_demo_driver(caf::actor_system& sys, supervision::supervisor_actor root,
                             demo_options opts);

} // namespace smith::tools
