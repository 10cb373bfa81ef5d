// The node's capability registry actor.
#pragma once

#include <caf/fwd.hpp>

#include "runtime/registry/registry_api.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::actors {

/// Spawns a registry and publishes it under registry::registry_name.
registry::registry_actor spawn_registry(caf::actor_system& sys, registry::registry_options opts);

/// A permanent worker child spec ("registry") that starts one.
supervision::child_spec registry_child(registry::registry_options opts);

} // namespace smith::actors
