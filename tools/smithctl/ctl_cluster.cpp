// smithctl verbs about the cluster: nodes, tree, agents, find.
#include <algorithm>
#include <iostream>

#include "smith/agent/v1/agent.pb.h"
#include "tools/smithctl/ctl_output.hpp"
#include "tools/smithctl/ctl_verbs.hpp"

namespace smith::ctl {

namespace v1 = admin::v1;
using bridge::admin_verb;

bool session::has(const std::string& node) const {
  for (auto& n : view.nodes)
    if (n.node() == node)
      return true;
  return false;
}

std::optional<failure> session::reach(const std::string& node) {
  if (has(node))
    return std::nullopt;
  v1::InfoReply reply;
  if (c->ask(node, admin_verb::info, v1::InfoRequest{}, reply) || !reply.has_info())
    return failure{exit_failed, "NOT_FOUND", "no node '" + node + "' answered"};
  auto at = std::find_if(view.nodes.begin(), view.nodes.end(),
                         [&](auto& n) { return n.node() > node; });
  view.nodes.insert(at, reply.info());
  std::erase(view.silent, node);
  return std::nullopt;
}

std::variant<session, failure> open_session(const globals& g) {
  auto c = client::connect(g.net);
  if (auto* f = std::get_if<failure>(&c))
    return *f;
  session s{std::move(std::get<0>(c)), {}};
  auto v = s.c->discover();
  if (auto* f = std::get_if<failure>(&v))
    return *f;
  s.view = std::move(std::get<0>(v));
  return s;
}

v1::AgentRef parse_ref(const std::string& text) {
  v1::AgentRef out;
  auto slash = text.find('/');
  if (slash == std::string::npos) {
    out.set_name(text);
  } else {
    out.set_domain(text.substr(0, slash));
    out.set_name(text.substr(slash + 1));
  }
  return out;
}

std::variant<std::string, failure> node_of(session& s, const v1::AgentRef& ref,
                                           const std::string& node) {
  v1::AgentsRequest req;
  req.set_domain(ref.domain());
  req.set_name(ref.name());
  req.set_node(node);
  v1::AgentsReply reply;
  if (auto f = s.c->ask(s.any(), admin_verb::agents, req, reply))
    return *f;
  if (reply.has_error())
    return failure_of(reply.error());
  auto& rs = reply.agents().records();
  auto shown = ref.domain().empty() ? ref.name() : ref.domain() + "/" + ref.name();
  if (rs.empty())
    return failure{exit_failed, "NOT_FOUND",
                   "no agent '" + shown + "' " + (node.empty() ? "in the cluster" : "on " + node)};
  for (auto& r : rs)
    if (r.node() != rs[0].node() || r.id().domain() != rs[0].id().domain())
      return failure{exit_failed, "BAD_REQUEST",
                     "agent name '" + shown + "' is ambiguous: on " + rs[0].node() + " ("
                       + rs[0].id().domain() + ") and " + r.node() + " (" + r.id().domain()
                       + ")"};
  return rs[0].node();
}

int cmd_nodes(const globals& g) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  if (g.json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (auto& n : s.view.nodes)
      nodes.push_back(to_json(n));
    print_json({{"nodes", nodes}, {"silent", s.view.silent}});
    return exit_ok;
  }
  table t{{"NODE", "STATUS", "VERSION", "UPTIME", "AGENTS", "DOMAINS"}};
  for (auto& n : s.view.nodes) {
    std::string doms;
    for (auto& d : n.domains())
      doms += (doms.empty() ? "" : ",") + d;
    t.add({n.node(), n.status(), n.version(),
           human_duration(n.uptime().seconds(), n.uptime().nanos()), std::to_string(n.agents()),
           doms});
  }
  for (auto& name : s.view.silent)
    t.add({name, "silent", "", "", "", ""});
  t.print(std::cout);
  return exit_ok;
}

namespace {

void print_supervisor(const v1::Supervisor& sup, const std::string& indent) {
  for (int i = 0; i < sup.children_size(); ++i) {
    auto& c = sup.children(i);
    bool last = i + 1 == sup.children_size();
    std::cout << indent << (last ? "`- " : "|- ") << c.id() << "  " << c.type() << "  "
              << c.status() << "  " << c.restart() << "  incarnation " << c.incarnation()
              << "  restarts " << c.restarts();
    if (c.has_supervisor()) {
      auto& s = c.supervisor();
      std::cout << "  [" << s.strategy() << " " << s.intensity() << "/"
                << s.period().seconds() * 1000 + s.period().nanos() / 1000000 << "ms]";
    }
    std::cout << '\n';
    if (c.has_supervisor())
      print_supervisor(c.supervisor(), indent + (last ? "   " : "|  "));
  }
}

} // namespace

int cmd_tree(const globals& g, const std::string& node) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  if (auto f = node.empty() ? std::nullopt : s.reach(node))
    return report(*f, g.json);
  nlohmann::json trees = nlohmann::json::array();
  for (auto& n : s.view.nodes) {
    if (!node.empty() && n.node() != node)
      continue;
    v1::TreeReply reply;
    if (auto f = s.c->ask(n.node(), admin_verb::tree, v1::TreeRequest{}, reply))
      return report(*f, g.json);
    if (reply.has_error())
      return report(failure_of(reply.error()), g.json);
    if (g.json) {
      trees.push_back(to_json(reply.tree()));
      continue;
    }
    auto& root = reply.tree().root();
    std::cout << n.node() << ": " << root.path() << "  [" << root.strategy() << " "
              << root.intensity() << "/"
              << root.period().seconds() * 1000 + root.period().nanos() / 1000000
              << "ms]  restarts " << root.restarts() << '\n';
    print_supervisor(root, "");
  }
  if (g.json)
    print_json({{"trees", trees}});
  return exit_ok;
}

namespace {

void print_records(const v1::AgentList& list) {
  table t{{"DOMAIN", "NAME", "NODE", "TYPE", "STATE", "HEALTH", "MAILBOX", "VERSION"}};
  for (auto& r : list.records()) {
    auto health = registry::v1::Health_Name(r.health());
    if (health.rfind("HEALTH_", 0) == 0)
      health = health.substr(7);
    for (auto& ch : health)
      ch = static_cast<char>(std::tolower(ch));
    t.add({r.id().domain(), r.id().name(), r.node(), r.agent_type(), state_name(r.state()),
           health, std::to_string(r.load().mailbox_depth()), r.id().version()});
  }
  t.print(std::cout);
}

int print_agents(const globals& g, const v1::AgentsReply& reply, bool empty_fails,
                 const std::string& what) {
  if (reply.has_error())
    return report(failure_of(reply.error()), g.json);
  if (empty_fails && reply.agents().records().empty())
    return report({exit_failed, "NOT_FOUND", what}, g.json);
  if (g.json) {
    auto j = to_json(reply.agents());
    print_json({{"agents", j.value("records", nlohmann::json::array())}});
  } else {
    print_records(reply.agents());
  }
  return exit_ok;
}

} // namespace

int cmd_agents(const globals& g, const agent_filter& f) {
  v1::AgentsRequest req;
  req.set_domain(f.domain);
  req.set_capability(f.capability);
  req.set_node(f.node);
  req.set_name(f.name);
  if (!f.state.empty()) {
    auto upper = "LIFECYCLE_STATE_" + f.state;
    for (auto& c : upper)
      c = static_cast<char>(std::toupper(c));
    agent::v1::LifecycleState st;
    if (!agent::v1::LifecycleState_Parse(upper, &st) || st == 0)
      return report({exit_usage, "BAD_REQUEST", "unknown --state '" + f.state
                       + "' (active, suspended, draining, registering, registered, ...)"},
                    g.json);
    req.set_state(st);
  }
  auto so = open_session(g);
  if (auto* fl = std::get_if<failure>(&so))
    return report(*fl, g.json);
  auto& s = std::get<session>(so);
  v1::AgentsReply reply;
  if (auto fl = s.c->ask(s.any(), admin_verb::agents, req, reply))
    return report(*fl, g.json);
  return print_agents(g, reply, false, "");
}

int cmd_find(const globals& g, const std::string& capability, const std::string& range,
             bool healthy) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  v1::FindRequest req;
  req.set_capability(capability);
  req.set_version_range(range);
  req.set_healthy(healthy);
  v1::AgentsReply reply;
  if (auto f = s.c->ask(s.any(), admin_verb::find, req, reply))
    return report(*f, g.json);
  return print_agents(g, reply, true, "no agent has capability '" + capability + "'"
                                        + (range.empty() ? "" : " at " + range));
}

} // namespace smith::ctl
