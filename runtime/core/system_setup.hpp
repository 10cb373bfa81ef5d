// Registers Smith's error categories and message types with a CAF configuration.
#pragma once

#include <caf/fwd.hpp>

namespace smith {

/// Prepares `cfg` for Smith: error renderers for every `*_errc` category.
/// Call once on every actor_system_config before constructing the system.
void configure_actor_system(caf::actor_system_config& cfg);

} // namespace smith
