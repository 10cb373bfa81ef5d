// Registration of Smith's error categories.
#include "runtime/core/system_setup.hpp"

#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "runtime/core/affinity_sharing.hpp"

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

void configure_scheduler(caf::actor_system_config& cfg, config::scheduler_policy policy,
                         size_t threads) {
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", threads);
  switch (policy) {
    case config::scheduler_policy::sharing:
      cfg.set("scheduler.policy", caf::atom("sharing"));
      break;
    case config::scheduler_policy::stealing:
      cfg.set("scheduler.policy", caf::atom("stealing"));
      break;
    case config::scheduler_policy::affinity:
      // A scheduler module loaded by the config replaces CAF's choice by scheduler.policy.
      cfg.load<caf::scheduler::coordinator<core::affinity_sharing>>();
      break;
  }
}

} // namespace smith
