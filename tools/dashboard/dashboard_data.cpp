// The dashboard's cluster snapshot: discovery, then tree, stats and agents from the admin services.
#include "tools/dashboard/dashboard_data.hpp"

#include "tools/smithctl/ctl_client.hpp"
#include "tools/smithctl/ctl_output.hpp"

namespace smith::dashboard {

namespace {

namespace v1 = admin::v1;
using bridge::admin_verb;

/// One failed question, as the snapshot's `errors` lists it.
nlohmann::json dashboard_error(const std::string& node, admin_verb verb, const ctl::failure& f) {
  return {{"node", node}, {"verb", bridge::to_string(verb)}, {"code", f.code},
          {"message", f.message}};
}

/// Asks `node` for `verb` and appends the reply's result (via `part`) to `into`, or an error
/// to `errors`.
template <class Reply, class Request, class Part>
void dashboard_ask(ctl::client& c, const std::string& node, admin_verb verb, const Request& req,
                   Part part, nlohmann::json& into, nlohmann::json& errors) {
  Reply reply;
  if (auto f = c.ask(node, verb, req, reply)) {
    errors.push_back(dashboard_error(node, verb, *f));
    return;
  }
  if (reply.has_error()) {
    errors.push_back(dashboard_error(node, verb, ctl::failure_of(reply.error())));
    return;
  }
  part(reply, into);
}

int64_t dashboard_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

cluster_source::cluster_source(connection_provider conn, std::string name,
                               std::chrono::milliseconds timeout,
                               std::chrono::milliseconds max_age)
  : conn_(std::move(conn)), name_(std::move(name)), timeout_(timeout), max_age_(max_age) {}

cluster_source::~cluster_source() = default;

nlohmann::json cluster_source::snapshot() {
  std::lock_guard<std::mutex> guard{mtx_};
  auto now = std::chrono::steady_clock::now();
  if (last_.is_null() || now - taken_ >= max_age_) {
    last_ = gather();
    taken_ = std::chrono::steady_clock::now();
  }
  return last_;
}

ctl::client* cluster_source::client(nlohmann::json& errors) {
  if (client_)
    return client_.get();
  auto conn = conn_ ? conn_() : nullptr;
  if (!conn) {
    errors.push_back(dashboard_error("", admin_verb::info,
                                     {ctl::exit_unreachable, "UNREACHABLE",
                                      name_ + " has no NATS connection (no [nats] urls, or "
                                              "the node has not started)"}));
    return nullptr;
  }
  ctl::client_options opts;
  opts.server = name_;
  opts.timeout = timeout_;
  client_ = ctl::client::attach(std::move(opts), std::move(conn));
  return client_.get();
}

nlohmann::json cluster_source::gather() {
  nlohmann::json out = {{"sampled_at_ms", dashboard_now_ms()},  {"nodes", nlohmann::json::array()},
                        {"silent", nlohmann::json::array()},    {"trees", nlohmann::json::array()},
                        {"agents", nlohmann::json::array()},    {"stats", nlohmann::json::array()},
                        {"errors", nlohmann::json::array()}};
  auto& errors = out["errors"];
  auto* c = client(errors);
  if (c == nullptr)
    return out;
  auto found = c->discover();
  if (auto* f = std::get_if<ctl::failure>(&found)) {
    errors.push_back(dashboard_error("", admin_verb::info, *f));
    return out;
  }
  auto& view = std::get<ctl::cluster_view>(found);
  for (auto& n : view.nodes)
    out["nodes"].push_back(ctl::to_json(n));
  for (auto& s : view.silent)
    out["silent"].push_back(s);
  for (auto& n : view.nodes) {
    dashboard_ask<v1::TreeReply>(
      *c, n.node(), admin_verb::tree, v1::TreeRequest{},
      [](const v1::TreeReply& r, nlohmann::json& into) { into.push_back(ctl::to_json(r.tree())); },
      out["trees"], errors);
    dashboard_ask<v1::StatsReply>(
      *c, n.node(), admin_verb::stats, v1::StatsRequest{},
      [](const v1::StatsReply& r, nlohmann::json& into) { into.push_back(ctl::to_json(r.stats())); },
      out["stats"], errors);
  }
  // The registry is replicated: any node's view is the cluster's.
  dashboard_ask<v1::AgentsReply>(
    *c, view.nodes.front().node(), admin_verb::agents, v1::AgentsRequest{},
    [](const v1::AgentsReply& r, nlohmann::json& into) {
      for (auto& rec : r.agents().records())
        into.push_back(ctl::to_json(rec));
    },
    out["agents"], errors);
  return out;
}

} // namespace smith::dashboard
