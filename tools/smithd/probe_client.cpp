// Blocking calls of the cluster demo through the node's bridge, registry and NATS link.
#include "tools/smithd/probe_client.hpp"

#include <thread>
#include <mutex>

#include <caf/all.hpp>

#include "runtime/bridge/call.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/registry/registry_api.hpp"
#include "smith/examples/v1/examples.pb.h"

namespace smith::tools {

namespace {

constexpr auto query_timeout = std::chrono::seconds{2};

bridge::wall_time deadline_in(std::chrono::milliseconds d) {
  return std::chrono::system_clock::now() + d;
}

/// The string value of `"key": "..."` in a flat JSON text (service replies are ours and
/// small; a missing key gives "").
std::string json_string_field(const std::string& json, const std::string& key) {
  auto at = json.find('"' + key + '"');
  if (at == std::string::npos)
    return {};
  auto open = json.find('"', json.find(':', at + key.size() + 2));
  auto close = open == std::string::npos ? open : json.find('"', open + 1);
  if (close == std::string::npos)
    return {};
  return json.substr(open + 1, close - open - 1);
}

} // namespace

probe_client::probe_client(caf::actor_system& sys, std::shared_ptr<bridge::nats_link> link)
  : sys_(sys), link_(std::move(link)), self_(sys) {
  // nop
}

std::set<std::string> probe_client::ping_nodes(std::chrono::milliseconds window) {
  struct inbox {
    std::mutex mtx;
    std::set<std::string> nodes;
  };
  auto box = std::make_shared<inbox>();
  auto subject = bridge::srv_subject(bridge::srv_verb::ping, "smith");
  auto reply = link_->rpc->new_inbox_prefix();
  auto sub = link_->rpc->subscribe(reply, {}, [box](nats::inbound_msg&& m) {
    auto node = json_string_field(m.data, "node");
    std::lock_guard<std::mutex> guard{box->mtx};
    if (!node.empty())
      box->nodes.insert(std::move(node));
  });
  if (!subject || !sub || link_->rpc->flush(query_timeout)
      || link_->rpc->publish(*subject, reply, {}, {}))
    return {};
  std::this_thread::sleep_for(window); // replies arrive on their own; collect for the window
  std::lock_guard<std::mutex> guard{box->mtx};
  return box->nodes;
}

caf::expected<std::string> probe_client::echo(const std::string& name, const std::string& text,
                                              std::chrono::milliseconds timeout) {
  examples::v1::EchoRequest req;
  req.set_text(text);
  auto rep = bridge::call_blocking<examples::v1::EchoReply>(self_, {"examples", name}, "echo",
                                                            req, deadline_in(timeout));
  if (!rep)
    return std::move(rep.error());
  return rep->text();
}

caf::expected<int64_t> probe_client::add(const std::string& name, int64_t n,
                                         std::chrono::milliseconds timeout) {
  examples::v1::AddRequest req;
  req.set_n(n);
  auto rep = bridge::call_blocking<examples::v1::CounterValue>(self_, {"examples", name}, "add",
                                                               req, deadline_in(timeout));
  if (!rep)
    return std::move(rep.error());
  return rep->value();
}

caf::expected<std::vector<std::string>>
probe_client::gather_echo(const std::string& text, uint32_t expected,
                          std::chrono::milliseconds window) {
  auto br = bridge::find_bridge(sys_);
  if (!br)
    return caf::make_error(bridge::wire_code::unavailable, "no bridge on this node");
  examples::v1::EchoRequest req;
  req.set_text(text);
  bridge::call_request cr{{"examples", "_all"}, "echo", bridge::copy_payload(req),
                          deadline_in(window), {}, {}};
  caf::expected<std::vector<std::string>> out{std::vector<std::string>{}};
  self_->request(br, window + bridge::call_grace, bridge::gather_atom::value, std::move(cr), expected)
    .receive(
      [&](std::vector<bridge::wire_payload>& replies) {
        for (auto& p : replies)
          if (auto r = bridge::payload_as<examples::v1::EchoReply>(p))
            out->push_back(r->text());
      },
      [&](caf::error& err) { out = std::move(err); });
  return out;
}

caf::expected<std::map<std::string, std::vector<std::string>>> probe_client::registry_view() {
  auto reg = caf::actor_cast<registry::registry_actor>(sys_.registry().get(registry::registry_name));
  if (!reg)
    return caf::make_error(bridge::wire_code::unavailable, "no registry on this node");
  registry::record_filter filter;
  filter.domain = "examples";
  caf::expected<std::map<std::string, std::vector<std::string>>> out{
    std::map<std::string, std::vector<std::string>>{}};
  self_->request(reg, query_timeout, registry::list_atom::value, filter)
    .receive(
      [&](std::vector<registry::agent_record>& recs) {
        for (auto& r : recs)
          (*out)[r.node].push_back(r.id.name);
      },
      [&](caf::error& err) { out = std::move(err); });
  return out;
}

bool probe_client::has_membership() {
  return sys_.registry().get(cluster::membership_name) != nullptr;
}

caf::expected<std::vector<cluster::peer_info>> probe_client::peers() {
  auto memb = caf::actor_cast<cluster::membership_actor>(
    sys_.registry().get(cluster::membership_name));
  if (!memb)
    return caf::make_error(bridge::wire_code::unavailable, "no cluster membership on this node");
  caf::expected<std::vector<cluster::peer_info>> out{std::vector<cluster::peer_info>{}};
  self_->request(memb, query_timeout, cluster::peers_atom::value)
    .receive([&](std::vector<cluster::peer_info>& ps) { out = std::move(ps); },
             [&](caf::error& err) { out = std::move(err); });
  return out;
}

std::string replier_of(const std::string& echo_reply) {
  return echo_reply.substr(0, echo_reply.find(" #"));
}

std::string node_of(const std::string& agent) {
  auto last = agent.rfind('-');
  if (last == std::string::npos || last == 0)
    return {};
  auto prev = agent.rfind('-', last - 1);
  if (prev == std::string::npos)
    return {};
  return agent.substr(prev + 1, last - prev - 1);
}

} // namespace smith::tools
