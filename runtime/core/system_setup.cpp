// Registration of Smith's error categories.
#include "runtime/core/system_setup.hpp"

#include <caf/actor_system_config.hpp>

#include "runtime/config/config_errc.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/agent/agent_errc.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith {

void configure_actor_system(caf::actor_system_config& cfg) {
  cfg.add_error_category(caf::atom("smith_sup"), supervision::render_supervision_error);
  cfg.add_error_category(caf::atom("smith_agt"), agent::render_agent_error);
  cfg.add_error_category(caf::atom("smith_cfg"), config::render_config_error);
  cfg.add_error_category(caf::atom("smith_reg"), registry::render_registry_error);
}

} // namespace smith
