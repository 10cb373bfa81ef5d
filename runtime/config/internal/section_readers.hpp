// Readers of the config sections, from TOML tables into node_config (internal to runtime/config).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "runtime/config/internal/toml_reader.hpp"
#include "runtime/config/node_config.hpp"

namespace smith::config::internal {

/// Reads the whole document; errors are recorded in `r` and the result is then meaningless.
node_config read_document(toml_reader& r, const toml::table& doc);

/// Reads `[nats]` (server URLs, authentication, TLS, timing) into `out`.
void read_nats(toml_reader& r, const toml::table& doc, nats_config& out);

/// Reads `[cluster]` (membership and registry replication) into `out`.
void read_cluster(toml_reader& r, const toml::table& doc, cluster_config& out);

/// Reads every `[[domain]]`, checking that domain names are unique.
std::vector<domain_config> read_domains(toml_reader& r, const toml::table& doc);

/// Reads `strategy`, `intensity`, `period_ms` and `auto_shutdown` of `tbl` into `flags`.
void read_supervisor_keys(toml_reader& r, const toml::table& tbl,
                          supervision::supervisor_flags& flags);

/// Reads `restart` of `tbl` ("permanent" | "transient" | "temporary") into `out`.
void read_restart(toml_reader& r, const toml::table& tbl, supervision::restart_type& out);

/// Reads `shutdown` of `tbl` ("brutal_kill" | "infinity" | milliseconds >= 0) into `out`.
void read_shutdown(toml_reader& r, const toml::table& tbl, supervision::shutdown_spec& out);

/// Reads the `backoff` table of `tbl` into `out`.
void read_backoff(toml_reader& r, const toml::table& tbl, supervision::backoff_spec& out);

/// Reads the free-form `settings` table of `tbl`; every value must be a scalar. With `sources`,
/// also records each value's TOML type and position.
void read_settings(toml_reader& r, const toml::table& tbl, std::map<std::string, std::string>& out,
                   std::map<std::string, setting_source>* sources = nullptr);

/// Reads `[plugins]` (dirs = [...]) into `out`.
void read_plugins(toml_reader& r, const toml::table& doc, plugins_config& out);

/// Reads `[http]` (enabled, listen = "host:port", allow_remote, threads) into `out`; a
/// non-loopback host without `allow_remote = true` is an invalid_value error.
void read_http(toml_reader& r, const toml::table& doc, http_config& out);

} // namespace smith::config::internal
