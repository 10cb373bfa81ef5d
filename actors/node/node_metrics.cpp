// /metrics of a node: agents, supervision, node, NATS and RocksDB (the bridge and the
// registry, which are asked, are in node_metrics_actors.cpp).
#include "actors/node/node_metrics.hpp"

#include <caf/all.hpp>

#include "actors/node/event_logger.hpp"
#include "actors/node/node_metrics_internal.hpp"
#include "runtime/agent/agent_meters.hpp"
#include "runtime/persistence/event_store.hpp"
#include "smith/version.hpp"

namespace smith::actors {

namespace {

using metrics::metric_type;

void metrics_node(metrics::prom_writer& w, const metrics_sources& src) {
  w.family("smith_node_info", "Constant 1, labelled with the node's name and Smith version.",
           metric_type::gauge);
  w.sample("smith_node_info", {{"node", src.node}, {"version", smith::version_string}},
           uint64_t{1});
  std::string why;
  w.family("smith_node_ready", "1 when the node is ready (as /readyz), else 0.",
           metric_type::gauge);
  w.sample("smith_node_ready", {}, uint64_t{src.ready && src.ready(why) ? 1u : 0u});
}

void metrics_agent_counters(metrics::prom_writer& w,
                            const std::vector<agent::agent_type_totals>& all) {
  w.family("smith_agent_messages_total",
           "User messages handled by SDK agents, per domain and agent type.",
           metric_type::counter);
  for (auto& t : all)
    w.sample("smith_agent_messages_total", {{"domain", t.domain}, {"agent_type", t.type}},
             t.handled);
  w.family("smith_agent_errors_total",
           "Handler exceptions, unexpected messages and failed persists of SDK agents.",
           metric_type::counter);
  for (auto& t : all)
    w.sample("smith_agent_errors_total", {{"domain", t.domain}, {"agent_type", t.type}},
             t.errors);
  w.family("smith_agent_rejected_total",
           "Messages SDK agents refused: reason overloaded (mailbox full) or draining.",
           metric_type::counter);
  for (auto& t : all) {
    w.sample("smith_agent_rejected_total",
             {{"domain", t.domain}, {"agent_type", t.type}, {"reason", "overloaded"}},
             t.rejected_overloaded);
    w.sample("smith_agent_rejected_total",
             {{"domain", t.domain}, {"agent_type", t.type}, {"reason", "draining"}},
             t.rejected_draining);
  }
}

void metrics_agent_gauges(metrics::prom_writer& w,
                          const std::vector<agent::agent_type_totals>& all) {
  w.family("smith_agent_mailbox_depth",
           "User messages waiting in the mailboxes of the live agents, summed per type.",
           metric_type::gauge);
  for (auto& t : all)
    w.sample("smith_agent_mailbox_depth", {{"domain", t.domain}, {"agent_type", t.type}},
             t.mailbox_depth);
  w.family("smith_agent_mailbox_depth_max",
           "The deepest mailbox among the live agents of the type.", metric_type::gauge);
  for (auto& t : all)
    w.sample("smith_agent_mailbox_depth_max", {{"domain", t.domain}, {"agent_type", t.type}},
             t.mailbox_depth_max);
  w.family("smith_agents", "Live SDK agents per domain, agent type and lifecycle state.",
           metric_type::gauge);
  for (auto& t : all)
    for (size_t s = 1; s < t.live_by_state.size(); ++s)
      w.sample("smith_agents",
               {{"domain", t.domain},
                {"agent_type", t.type},
                {"state", agent::to_string(static_cast<agent::lifecycle_state>(s))}},
               t.live_by_state[s]);
}

void metrics_lifecycle(metrics::prom_writer& w) {
  auto counts = agent::agent_meters::instance().transitions();
  w.family("smith_agent_lifecycle_transitions_total",
           "Lifecycle transitions of SDK agents, per state entered.", metric_type::counter);
  for (size_t s = 1; s < counts.size(); ++s)
    w.sample("smith_agent_lifecycle_transitions_total",
             {{"state", agent::to_string(static_cast<agent::lifecycle_state>(s))}}, counts[s]);
}

void metrics_supervision(metrics::prom_writer& w, const supervision_tally* tally) {
  auto counts = tally ? tally->counts()
                      : std::map<std::pair<std::string, std::string>, uint64_t>{};
  w.family("smith_supervisor_events_total",
           "Supervisor decisions per supervisor path and kind (OTP vocabulary).",
           metric_type::counter);
  for (auto& [key, n] : counts)
    w.sample("smith_supervisor_events_total", {{"supervisor", key.first}, {"kind", key.second}},
             n);
  auto only = [&](const char* name, const char* help, const std::string& kind) {
    w.family(name, help, metric_type::counter);
    for (auto& [key, n] : counts)
      if (key.second == kind)
        w.sample(name, {{"supervisor", key.first}}, n);
  };
  only("smith_supervisor_restarts_total", "Children restarted, per supervisor.",
       "child_restarted");
  only("smith_supervisor_give_ups_total",
       "Times a supervisor exceeded its restart intensity and gave up.", "gave_up");
}

void metrics_nats(metrics::prom_writer& w, const bridge::nats_link* link) {
  std::vector<std::pair<std::string, nats::connection::stats>> conns;
  std::vector<uint64_t> up;
  if (link)
    for (auto& [name, c] : {std::pair{"rpc", link->rpc.get()}, std::pair{"bulk", link->bulk.get()}}) {
      conns.emplace_back(name, c->statistics());
      up.push_back(c->connected() ? 1 : 0);
    }
  w.family("smith_nats_connected", "1 while the NATS connection is up, per connection.",
           metric_type::gauge);
  for (size_t i = 0; i < conns.size(); ++i)
    w.sample("smith_nats_connected", {{"connection", conns[i].first}}, up[i]);
  w.family("smith_nats_messages_total", "NATS messages per connection and direction.",
           metric_type::counter);
  for (auto& [name, st] : conns) {
    w.sample("smith_nats_messages_total", {{"connection", name}, {"direction", "in"}}, st.in_msgs);
    w.sample("smith_nats_messages_total", {{"connection", name}, {"direction", "out"}},
             st.out_msgs);
  }
  w.family("smith_nats_bytes_total", "NATS payload bytes per connection and direction.",
           metric_type::counter);
  for (auto& [name, st] : conns) {
    w.sample("smith_nats_bytes_total", {{"connection", name}, {"direction", "in"}}, st.in_bytes);
    w.sample("smith_nats_bytes_total", {{"connection", name}, {"direction", "out"}}, st.out_bytes);
  }
  w.family("smith_nats_reconnects_total", "Reconnects of each NATS connection.",
           metric_type::counter);
  for (auto& [name, st] : conns)
    w.sample("smith_nats_reconnects_total", {{"connection", name}}, st.reconnects);
}

} // namespace

std::string render_metrics(const metrics_sources& src) {
  metrics::prom_writer w;
  metrics_node(w, src);
  auto all = agent::agent_meters::instance().totals();
  metrics_agent_counters(w, all);
  metrics_agent_gauges(w, all);
  metrics_lifecycle(w);
  metrics_supervision(w, src.tally.get());
  metrics_asked(w, src);
  metrics_nats(w, src.link.get());
  metrics_rocksdb(w, src.store.get());
  return w.text();
}

} // namespace smith::actors
