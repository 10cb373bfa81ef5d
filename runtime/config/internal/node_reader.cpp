// Readers of the node-wide sections: [node], [scheduler], [log], [root], [registry], [bridge]
// ([nats] and [cluster] are in nats_reader.cpp).
#include <string>
#include <string_view>

#include "runtime/config/internal/section_readers.hpp"

namespace smith::config::internal {

namespace {

void read_node(toml_reader& r, const toml::table& doc, node_config& out) {
  auto* tbl = r.table(doc, "node");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"name", "data_dir"}, "in [node]");
  if (auto name = r.token(*tbl, "name", "node name"))
    out.name = *name;
  if (auto dir = r.string(*tbl, "data_dir"))
    out.data_dir = *dir;
}

void read_scheduler(toml_reader& r, const toml::table& doc, scheduler_config& out) {
  auto* tbl = r.table(doc, "scheduler");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"threads", "policy"}, "in [scheduler]");
  if (auto threads = r.integer(*tbl, "threads", 0, 256))
    out.threads = static_cast<uint32_t>(*threads);
  if (auto policy = r.enumeration(*tbl, "policy",
                                  {scheduler_policy::sharing, scheduler_policy::stealing,
                                   scheduler_policy::affinity}))
    out.policy = *policy;
}

void read_log(toml_reader& r, const toml::table& doc, log_config& out) {
  static constexpr std::string_view levels[] = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
  auto* tbl = r.table(doc, "log");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"level", "format"}, "in [log]");
  if (auto level = r.choice(*tbl, "level", levels))
    out.level = std::string{levels[*level]};
  if (auto format = r.enumeration(*tbl, "format", {log_format::text, log_format::json}))
    out.format = *format;
}

void read_root(toml_reader& r, const toml::table& doc, supervisor_settings& out) {
  auto* tbl = r.table(doc, "root");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"strategy", "intensity", "period_ms", "auto_shutdown"}, "in [root]");
  read_supervisor_keys(r, *tbl, out.flags);
}

void read_registry(toml_reader& r, const toml::table& doc, registry_config& out) {
  auto* tbl = r.table(doc, "registry");
  if (!tbl)
    return;
  r.check_keys(*tbl,
               {"max_agents_per_domain", "heartbeat_interval_ms", "degraded_after_missed",
                "down_after_missed"},
               "in [registry]");
  if (auto n = r.integer(*tbl, "max_agents_per_domain", 0, 100'000'000))
    out.max_agents_per_domain = static_cast<size_t>(*n);
  if (auto ms = r.integer(*tbl, "heartbeat_interval_ms", 0, 3'600'000))
    out.heartbeat_interval = std::chrono::milliseconds{*ms};
  if (auto n = r.integer(*tbl, "degraded_after_missed", 1, 1000))
    out.degraded_after = static_cast<uint32_t>(*n);
  if (auto n = r.integer(*tbl, "down_after_missed", 1, 1000))
    out.down_after = static_cast<uint32_t>(*n);
  if (out.down_after <= out.degraded_after)
    r.fail(config_errc::out_of_range, tbl->source(),
           "[registry] down_after_missed must be greater than degraded_after_missed");
}

void read_persistence(toml_reader& r, const toml::table& doc, persistence_config& out) {
  auto* tbl = r.table(doc, "persistence");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"enabled", "durability", "snapshot_every", "compact"}, "in [persistence]");
  if (auto b = r.boolean(*tbl, "enabled", "[persistence]"))
    out.enabled = *b;
  if (auto b = r.boolean(*tbl, "compact", "[persistence]"))
    out.compact = *b;
  if (auto mode = r.enumeration(*tbl, "durability",
                                {persistence::durability_mode::sync,
                                 persistence::durability_mode::group,
                                 persistence::durability_mode::none}))
    out.durability = *mode;
  if (auto n = r.integer(*tbl, "snapshot_every", 0, 1'000'000'000))
    out.snapshot_every = static_cast<uint64_t>(*n);
}

void read_bridge(toml_reader& r, const toml::table& doc, bridge_config& out) {
  auto* tbl = r.table(doc, "bridge");
  if (!tbl)
    return;
  r.check_keys(*tbl,
               {"inline_dispatch", "inline_block_warn_ms", "inline_max_jobs", "inline_one_way"},
               "in [bridge]");
  if (auto b = r.boolean(*tbl, "inline_dispatch", "[bridge]"))
    out.inline_dispatch = *b;
  if (auto b = r.boolean(*tbl, "inline_one_way", "[bridge]"))
    out.inline_one_way = *b;
  if (auto ms = r.integer(*tbl, "inline_block_warn_ms", 1, 60'000))
    out.inline_block_warn = std::chrono::milliseconds{*ms};
  if (auto n = r.integer(*tbl, "inline_max_jobs", 1, 4096))
    out.inline_max_jobs = static_cast<uint32_t>(*n);
}

} // namespace

node_config read_document(toml_reader& r, const toml::table& doc) {
  r.check_keys(doc,
               {"node", "scheduler", "log", "root", "registry", "nats", "cluster", "plugins",
                "persistence", "domain", "http", "bridge"},
               "at the top level");
  node_config result;
  read_node(r, doc, result);
  read_scheduler(r, doc, result.scheduler);
  read_log(r, doc, result.log);
  read_root(r, doc, result.root);
  read_registry(r, doc, result.registry);
  read_nats(r, doc, result.nats);
  read_cluster(r, doc, result.cluster);
  read_plugins(r, doc, result.plugins);
  read_persistence(r, doc, result.persistence);
  read_http(r, doc, result.http);
  read_bridge(r, doc, result.bridge);
  result.domains = read_domains(r, doc);
  return result;
}

} // namespace smith::config::internal
