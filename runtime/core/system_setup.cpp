// Registration of Smith's error categories.
#include "runtime/core/system_setup.hpp"

#include <caf/actor_system_config.hpp>

#include "runtime/bridge/wire_code.hpp"
#include "runtime/config/config_errc.hpp"
#include "runtime/http/http_errc.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "runtime/storage/storage_errc.hpp"
#include "runtime/agent/agent_errc.hpp"
#include "runtime/supervision/supervision_errc.hpp"

namespace smith {

void configure_actor_system(caf::actor_system_config& cfg) {
  cfg.add_error_category(caf::atom("smith_sup"), supervision::render_supervision_error);
  cfg.add_error_category(caf::atom("smith_agt"), agent::render_agent_error);
  cfg.add_error_category(caf::atom("smith_cfg"), config::render_config_error);
  cfg.add_error_category(caf::atom("smith_reg"), registry::render_registry_error);
  cfg.add_error_category(caf::atom("smith_nats"), nats::render_nats_error);
  cfg.add_error_category(caf::atom("smith_wire"), bridge::render_wire_error);
  cfg.add_error_category(caf::atom("smith_stor"), storage::render_storage_error);
  cfg.add_error_category(caf::atom("smith_pers"), persistence::render_persistence_error);
  cfg.add_error_category(caf::atom("smith_plg"), plugin::render_plugin_error);
  cfg.add_error_category(caf::atom("smith_http"), http::render_http_error);
}

} // namespace smith
