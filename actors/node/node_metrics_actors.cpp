// /metrics parts asked of actors (the bridge, the registry) and read from RocksDB.
#include <map>
#include <optional>
#include <tuple>

#include <caf/all.hpp>

#include "actors/node/node_metrics_internal.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/metrics/latency_histogram.hpp"
#include "runtime/persistence/event_store.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::actors {

namespace {

using metrics::metric_type;

/// Asks the actor published as `name` in `sys`'s registry; nullopt when absent or silent.
template <class Handle, class Result, class... Ts>
std::optional<Result> metrics_ask(const metrics_sources& src, caf::atom_value name, Ts... xs) {
  auto ptr = src.sys->registry().get(name);
  if (!ptr)
    return std::nullopt;
  auto handle = caf::actor_cast<Handle>(ptr);
  std::optional<Result> out;
  caf::scoped_actor self{*src.sys};
  self->request(handle, src.timeout, xs...)
    .receive([&](Result& r) { out = std::move(r); }, [](caf::error&) {});
  return out;
}

/// Per (domain, action) of the endpoint subjects "agents.{domain}.{name}.{action}".
struct action_totals {
  uint64_t requests = 0;
  uint64_t errors = 0;
  double seconds = 0;
  std::vector<uint64_t> counts = std::vector<uint64_t>(metrics::latency_bounds.size() + 1);
};

std::map<std::pair<std::string, std::string>, action_totals>
metrics_by_action(const std::vector<bridge::endpoint_stat>& stats) {
  std::map<std::pair<std::string, std::string>, action_totals> out;
  for (auto& s : stats) {
    auto first = s.subject.find('.');
    auto second = s.subject.find('.', first + 1);
    auto last = s.subject.rfind('.');
    if (first == std::string::npos || second == std::string::npos || last <= second)
      continue;
    auto& t = out[{s.subject.substr(first + 1, second - first - 1), s.subject.substr(last + 1)}];
    t.requests += s.requests;
    t.errors += s.errors;
    t.seconds += static_cast<double>(s.processing_ns) / 1e9;
    for (size_t i = 0; i < s.latency_counts.size() && i < t.counts.size(); ++i)
      t.counts[i] += s.latency_counts[i];
  }
  return out;
}

void metrics_endpoints(metrics::prom_writer& w, const std::vector<bridge::endpoint_stat>& eps) {
  auto by = metrics_by_action(eps);
  w.family("smith_bridge_requests_total",
           "Requests from NATS served by this node's agents, per domain and action.",
           metric_type::counter);
  for (auto& [key, t] : by)
    w.sample("smith_bridge_requests_total", {{"domain", key.first}, {"action", key.second}},
             t.requests);
  w.family("smith_bridge_request_errors_total",
           "Requests from NATS that this node's agents answered with an error.",
           metric_type::counter);
  for (auto& [key, t] : by)
    w.sample("smith_bridge_request_errors_total",
             {{"domain", key.first}, {"action", key.second}}, t.errors);
  w.family("smith_bridge_request_duration_seconds",
           "Time from dispatch to the agent's answer of requests from NATS.",
           metric_type::histogram);
  for (auto& [key, t] : by)
    w.histogram("smith_bridge_request_duration_seconds",
                {{"domain", key.first}, {"action", key.second}}, metrics::latency_bounds,
                t.counts, t.seconds);
}

void metrics_outbound(metrics::prom_writer& w, const bridge::bridge_stats& st) {
  w.family("smith_bridge_outbound_total",
           "Calls, casts and gathers sent through the bridge, per kind, domain and action.",
           metric_type::counter);
  for (auto& [key, n] : st.outbound) {
    auto a = key.find('.');
    auto b = key.rfind('.');
    if (a == std::string::npos || b <= a)
      continue;
    w.sample("smith_bridge_outbound_total",
             {{"kind", key.substr(0, a)},
              {"domain", key.substr(a + 1, b - a - 1)},
              {"action", key.substr(b + 1)}},
             n);
  }
}

void metrics_bridge_totals(metrics::prom_writer& w, const bridge::bridge_stats& st) {
  w.family("smith_bridge_inbound_messages_total",
           "Messages received on agent subjects (before validation).", metric_type::counter);
  w.sample("smith_bridge_inbound_messages_total", {}, st.inbound);
  w.family("smith_bridge_errors_total",
           "Requests the bridge refused or failed, per wire error code.", metric_type::counter);
  for (auto& [status, n] : st.rejected) {
    auto code = bridge::wire_code_from_status(status);
    w.sample("smith_bridge_errors_total",
             {{"code", code ? bridge::wire_name(*code) : "UNKNOWN"},
              {"status", std::to_string(status)}},
             n);
  }
  w.family("smith_bridge_late_replies_total",
           "Replies that arrived after their call's deadline (or were not ours).",
           metric_type::counter);
  w.sample("smith_bridge_late_replies_total", {}, st.late_replies);
  w.family("smith_bridge_pending_calls", "Calls over NATS awaiting their reply.",
           metric_type::gauge);
  w.sample("smith_bridge_pending_calls", {}, st.pending_calls);
}

void metrics_registry(metrics::prom_writer& w, const metrics_sources& src,
                      const std::vector<registry::agent_record>* recs) {
  w.family("smith_registry_agents",
           "Agents in the node's registry: scope local (this node) or remote (cluster view).",
           metric_type::gauge);
  if (!recs)
    return;
  uint64_t local = 0;
  for (auto& r : *recs)
    local += r.node.empty() || r.node == src.node ? 1 : 0;
  w.sample("smith_registry_agents", {{"scope", "local"}}, local);
  w.sample("smith_registry_agents", {{"scope", "remote"}}, uint64_t{recs->size() - local});
}

} // namespace

void metrics_asked(metrics::prom_writer& w, const metrics_sources& src) {
  using bridge::bridge_actor;
  auto st = metrics_ask<bridge_actor, bridge::bridge_stats>(src, bridge::bridge_name,
                                                            bridge::stats_atom::value);
  auto eps = metrics_ask<bridge_actor, std::vector<bridge::endpoint_stat>>(
    src, bridge::bridge_name, bridge::endpoint_stats_atom::value);
  auto recs = metrics_ask<registry::registry_actor, std::vector<registry::agent_record>>(
    src, registry::registry_name, registry::list_atom::value, registry::record_filter{});
  metrics_endpoints(w, eps ? *eps : std::vector<bridge::endpoint_stat>{});
  metrics_outbound(w, st ? *st : bridge::bridge_stats{});
  if (st)
    metrics_bridge_totals(w, *st);
  metrics_registry(w, src, recs ? &*recs : nullptr);
  w.family("smith_metrics_source_up",
           "1 when a part of this document answered in time (bridge, registry), else 0.",
           metric_type::gauge);
  w.sample("smith_metrics_source_up", {{"source", "bridge"}}, uint64_t{st && eps ? 1u : 0u});
  w.sample("smith_metrics_source_up", {{"source", "registry"}}, uint64_t{recs ? 1u : 0u});
}

void metrics_rocksdb(metrics::prom_writer& w, const persistence::event_store* store) {
  static const std::tuple<const char*, const char*, const char*, metric_type> props[] = {
    {"smith_rocksdb_estimate_num_keys", "rocksdb.estimate-num-keys",
     "Estimated keys in the event store (all column families).", metric_type::gauge},
    {"smith_rocksdb_live_sst_files_size_bytes", "rocksdb.live-sst-files-size",
     "Size of the event store's live SST files.", metric_type::gauge},
    {"smith_rocksdb_total_sst_files_size_bytes", "rocksdb.total-sst-files-size",
     "Size of all the event store's SST files.", metric_type::gauge},
    {"smith_rocksdb_memtables_size_bytes", "rocksdb.cur-size-all-mem-tables",
     "Size of the event store's memtables.", metric_type::gauge},
    {"smith_rocksdb_estimate_live_data_size_bytes", "rocksdb.estimate-live-data-size",
     "Estimated live data in the event store.", metric_type::gauge},
    {"smith_rocksdb_running_compactions", "rocksdb.num-running-compactions",
     "Compactions running in the event store.", metric_type::gauge},
    {"smith_rocksdb_background_errors_total", "rocksdb.background-errors",
     "Background errors of the event store since it was opened.", metric_type::counter},
  };
  for (auto& [name, prop, help, type] : props) {
    w.family(name, help, type);
    if (auto v = store ? store->int_property(prop) : std::nullopt)
      w.sample(name, {}, *v);
  }
}

} // namespace smith::actors
