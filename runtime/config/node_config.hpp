// The validated configuration of one smithd node, as plain structs (no TOML types).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/persistence/event_store.hpp"
#include "runtime/supervision/backoff.hpp"
#include "runtime/supervision/child_spec.hpp"
#include "runtime/supervision/supervisor_spec.hpp"

namespace smith::config {

/// How CAF's scheduler hands jobs to its worker threads (`[scheduler] policy`).
enum class scheduler_policy {
  /// One job queue shared by all workers (CAF "sharing").
  sharing,
  /// One queue per worker; idle workers steal (CAF "stealing").
  stealing,
  /// Sharing plus a per-worker "next" slot: a woken actor runs next on the worker that woke
  /// it (Smith's core::affinity_sharing).
  affinity,
};

/// Output format of the node's log (`[log] format`).
enum class log_format {
  /// Human-readable lines.
  text,
  /// One JSON object per line.
  json,
};

/// `[scheduler]`: the CAF scheduler of the node.
struct scheduler_config {
  /// Worker threads, 0..256; 0 means one per hardware thread (see effective_threads).
  uint32_t threads = 0;
  /// Job distribution policy. `affinity` by measurement (docs/BENCHMARKS.md, "Scheduler
  /// policies"): it keeps request/reply pairs on one worker instead of waking the other.
  scheduler_policy policy = scheduler_policy::affinity;

  /// Returns `threads`, or std::thread::hardware_concurrency() (at least 1) when it is 0.
  uint32_t effective_threads() const noexcept;
};

/// `[log]`: the node's log output.
struct log_config {
  /// One of trace, debug, info, warn, error, critical, off (spdlog's level names).
  std::string level = "info";
  /// Line format.
  log_format format = log_format::text;
};

/// The OTP flags of one supervisor (strategy, intensity, period, auto_shutdown).
struct supervisor_settings {
  /// Flags as the supervision module takes them.
  supervision::supervisor_flags flags;
};

/// Where a pool setting came from and what TOML type it had.
struct setting_source {
  /// "string", "integer", "float", "boolean", "date", "time" or "date-time".
  std::string kind;
  /// "file:line:column" of the value.
  std::string where;
};

/// `[[domain.pool]]`: a supervisor (one_for_one by default) of `instances` agents of one type.
struct pool_config {
  /// Agent type name; a subject token. Required in the file.
  std::string agent;
  /// Pool id, unique within its domain; a subject token. Defaults to `agent`.
  std::string name;
  /// Number of agent instances, 1..100000.
  uint32_t instances = 1;
  /// Flags of the pool supervisor (defaults: one_for_one, 5, 10000 ms, never).
  supervisor_settings sup{{supervision::strategy::one_for_one, 5, std::chrono::milliseconds{10000},
                           supervision::auto_shutdown::never}};
  /// Restart type of every agent instance.
  supervision::restart_type restart = supervision::restart_type::permanent;
  /// How the pool supervisor stops every agent instance (default: 5000 ms).
  supervision::shutdown_spec shutdown = supervision::shutdown_spec::after(std::chrono::milliseconds{5000});
  /// Mailbox capacity of every agent instance, 1..10000000.
  size_t mailbox_capacity = 1024;
  /// Restart backoff of every agent instance (off by default).
  supervision::backoff_spec backoff;
  /// Agent-specific settings; each value is the TOML scalar rendered as text (strings unquoted).
  std::map<std::string, std::string> settings;
  /// Per setting key: its TOML type ("string", "integer", "float", "boolean", "date", "time",
  /// "date-time") and "file:line:column" of its value, for checks against a domain's schema.
  std::map<std::string, setting_source> setting_sources;
  /// "file:line:column" of the `agent` value, for errors found later.
  std::string where;
};

/// `[[domain]]`: a domain supervisor, child of the root, parent of its pools.
struct domain_config {
  /// Domain name, a subject token; required in the file. Unique among domains, except for
  /// versions side by side: sections of one name that each have a `plugin` and a `version`
  /// range within one major, each a different major (0 and 1 count as one: they share pool
  /// names). Their pools run under the names domain::version_suffix gives (`echo-v2`).
  std::string name;
  /// Flags of the domain supervisor (defaults: rest_for_one, 3, 5000 ms, never).
  supervisor_settings sup{{supervision::strategy::rest_for_one, 3, std::chrono::milliseconds{5000},
                           supervision::auto_shutdown::never}};
  /// How the root supervisor restarts this domain supervisor.
  supervision::restart_type restart = supervision::restart_type::permanent;
  /// How the root supervisor stops this domain supervisor (default: infinity).
  supervision::shutdown_spec shutdown = supervision::shutdown_spec::infinity();
  /// The agent pools, in start order. Empty only for a plugin domain: it then runs the pools
  /// its plugin declares (domain_descriptor::default_pools).
  std::vector<pool_config> pools;
  /// `plugin`: the plugin providing the domain, a name (libsmith_domain_{name}.so) or a path
  /// inside `[plugins] dirs`; empty = the domain is linked into the binary.
  std::string plugin;
  /// `version`: SemVer range the plugin's version must satisfy ("^1"); empty = any.
  std::string version;
  /// `durability`: how this domain's journals are committed; unset = [persistence] durability.
  std::optional<persistence::durability_mode> durability;
  /// "file:line:column" of the `name` value, for errors found later.
  std::string where;
};

/// The whole configuration of one smithd node. Plain data: copy and share freely.
/// The node's capability registry ([registry]).
struct registry_config {
  /// Most agents one domain may register; 0 = unlimited.
  size_t max_agents_per_domain = 0;
  /// How often SDK agents beat and health is checked; 0 = no heartbeats.
  std::chrono::milliseconds heartbeat_interval{1000};
  /// Missed beats after which an agent is degraded ...
  uint32_t degraded_after = 2;
  /// ... and down (never chosen by find_healthy). Must exceed degraded_after.
  uint32_t down_after = 5;
};

/// `[nats]`: how the node reaches NATS. No URLs = no NATS: a single node, bridge off.
struct nats_config {
  /// Server URLs, "nats://host:port" or "tls://host:port"; empty = NATS off.
  std::vector<std::string> urls;
  /// Authentication: user + password, or token, or a credentials file (at most one).
  std::string user, password, token, credentials;
  /// TLS: a CA bundle to trust; a client certificate and its key (both or neither).
  std::string tls_ca, tls_cert, tls_key;
  /// Client PING period; ping_interval * (max_pings_out + 1) <= 15 s detects a dead link.
  std::chrono::milliseconds ping_interval{5000};
  /// Unanswered PINGs tolerated, 1..10.
  uint32_t max_pings_out = 2;
  /// Pause between reconnect attempts.
  std::chrono::milliseconds reconnect_wait{250};
  /// Publishes buffered while reconnecting, in bytes.
  int64_t reconnect_buffer_bytes = 8 << 20;
  /// Timeout of connecting to one server.
  std::chrono::milliseconds connect_timeout{2000};
  /// Largest payload the bridge accepts or sends, 1..8388608 bytes.
  size_t max_payload = 512 * 1024;
  /// Threads of nats.c's process-wide delivery pool, 1..64; subscriptions are spread over
  /// them round-robin. With inline dispatch ([bridge]) agents run on these threads, so more
  /// than one confines a slow handler to its share of the subscriptions (at a cost in
  /// latency measured in docs/BENCHMARKS.md, session 8). The largest value any connection of
  /// the process asked for wins; the pool never shrinks.
  uint32_t delivery_threads = 1;
  /// "file:line:column" of the [nats] table, for errors found later (empty when absent).
  std::string where;
};

/// `[cluster]`: membership and registry replication over NATS (used only with [nats] urls).
struct cluster_config {
  /// How often the node publishes its heartbeat.
  std::chrono::milliseconds heartbeat_interval{1000};
  /// A node not heard from this long is down; > heartbeat_interval, <= 60 s.
  std::chrono::milliseconds down_after{3000};
  /// JetStream KV bucket holding the cluster's registry.
  std::string kv_bucket = "smith_registry";
  /// Replicas of the bucket, 1..5.
  uint32_t kv_replicas = 1;
  /// How often the node re-puts its records (the bucket's max age is derived from it).
  std::chrono::milliseconds kv_refresh{10000};
  /// How often digests are compared and missing state is fetched.
  std::chrono::milliseconds anti_entropy_interval{5000};
};

/// `[bridge]`: how the bridge hands messages from NATS to agents.
struct bridge_config {
  /// Inline dispatch: an agent that a NATS delivery thread posts a request or one-way message
  /// to, and a caller it delivers a reply to, run on that thread if idle (docs/bridge.md
  /// "Inline dispatch"); false: CAF's scheduler runs them, one thread hand-off later.
  bool inline_dispatch = true;
  /// A handler holding a delivery thread longer than this is logged, once per agent type;
  /// 1..60000 ms.
  std::chrono::milliseconds inline_block_warn{50};
  /// Most actor activations one delivered message runs inline (the rest are scheduled);
  /// 1..4096.
  uint32_t inline_max_jobs = 64;
  /// Whether one-way messages run their agent inline too (only with inline_dispatch). Off:
  /// a flood of casts is faster when a worker runs the agent while the delivery thread
  /// validates the next message.
  bool inline_one_way = false;
};

/// `[plugins]`: where domain plugins may be loaded from.
struct plugins_config {
  /// Directories, in lookup order, as written (relative ones are relative to the config
  /// file's directory, see effective_plugin_dirs); empty = the default directory.
  std::vector<std::string> dirs;
};

/// `[persistence]`: the node's event store (`{data_dir}/events`) for event-sourced agents and
/// the supervision history (docs/persistence.md).
struct persistence_config {
  /// Whether the node opens its event store. Off by default, so that nodes without a data
  /// directory of their own (tests, tools) never contend for one.
  bool enabled = false;
  /// Default durability of every domain's journals; `[[domain]] durability` overrides it.
  persistence::durability_mode durability = persistence::durability_mode::group;
  /// An agent snapshots after this many events (0 = never).
  uint64_t snapshot_every = 1000;
  /// Whether a committed snapshot deletes the events and older snapshots it covers (see
  /// event_store_options::compact).
  bool compact = false;
};

/// `[http]`: the node's HTTP endpoint (/healthz, /readyz, /metrics, the dashboard).
struct http_config {
  /// Whether the node serves HTTP at all.
  bool enabled = true;
  /// Address to bind: an IPv4 address, "localhost" or "::1" (`listen = "host:port"`).
  std::string host = "127.0.0.1";
  /// Port to bind; 0 = a free port chosen at start (logged, and in http_address()).
  uint16_t port = 0;
  /// Whether a non-loopback `host` is allowed; without it such a listen address is an error.
  bool allow_remote = false;
  /// Worker threads answering requests, 1..64.
  uint32_t threads = 4;
};

struct node_config {
  /// Node name; a subject token.
  std::string name = "node-1";
  /// Directory for the node's persistent state; non-empty.
  std::string data_dir = "./data";
  /// `[scheduler]`.
  scheduler_config scheduler;
  /// `[log]`.
  log_config log;
  /// `[root]`: flags of the root supervisor (defaults: one_for_all, 3, 5000 ms, never).
  supervisor_settings root{{supervision::strategy::one_for_all, 3, std::chrono::milliseconds{5000},
                            supervision::auto_shutdown::never}};
  /// `[[domain]]` entries, in start order.
  registry_config registry;
  /// `[nats]`.
  nats_config nats;
  /// `[cluster]`.
  cluster_config cluster;
  std::vector<domain_config> domains;
  /// `[bridge]`.
  bridge_config bridge;
  /// `[plugins]`.
  plugins_config plugins;
  /// `[persistence]`.
  persistence_config persistence;
  /// `[http]`.
  http_config http;
  /// Where the config came from: the file path, or the source name given to load_config_text.
  std::string source;
};

/// The plugin directories of `cfg`: `[plugins] dirs` with relative entries resolved against
/// the directory of the config file (`cfg.source`, when it names a file), or
/// `{default_dir}` when the config lists none.
std::vector<std::string> effective_plugin_dirs(const node_config& cfg,
                                               const std::string& default_dir);

/// "host:port" of `h` ("127.0.0.1:9464", "[::1]:9464"); empty when not enabled. The node
/// sets `port` to the bound one at start, so a port 0 becomes the actual port.
std::string http_address_of(const http_config& h);

/// Renders a scheduler policy as spelled in the file ("sharing", "stealing", "affinity").
const char* to_string(scheduler_policy x);

/// Renders a log format as spelled in the file ("text", "json").
const char* to_string(log_format x);

} // namespace smith::config
