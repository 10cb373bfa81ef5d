// Registers Smith's error categories and message types with a CAF configuration.
#pragma once

#include <cstddef>

#include <caf/fwd.hpp>

#include "runtime/config/node_config.hpp"

namespace smith {

/// Prepares `cfg` for Smith: error renderers for every `*_errc` category.
/// Call once on every actor_system_config before constructing the system.
void configure_actor_system(caf::actor_system_config& cfg);

/// Sets CAF's scheduler in `cfg`: `threads` workers (0 = one per hardware thread) under
/// `policy`. `sharing` and `stealing` are CAF's own; `affinity` loads Smith's
/// core::affinity_sharing coordinator. Call before constructing the system.
void configure_scheduler(caf::actor_system_config& cfg, config::scheduler_policy policy,
                         size_t threads);

} // namespace smith
