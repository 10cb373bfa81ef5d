// smithctl verbs about one agent: inspect, send, events, agent stop|restart|suspend|...
#include <csignal>
#include <iostream>
#include <set>
#include <tuple>
#include <thread>

#include "smith/agent/v1/agent.pb.h"
#include "tools/smithctl/ctl_output.hpp"
#include "tools/smithctl/ctl_verbs.hpp"

namespace smith::ctl {

namespace v1 = admin::v1;
using bridge::admin_verb;

namespace {

volatile std::sig_atomic_t interrupted = 0;

void on_sigint(int) {
  interrupted = 1;
}

/// Opens a session and finds the node hosting `agent`.
std::variant<std::pair<session, std::string>, failure> open_for(const globals& g,
                                                                const v1::AgentRef& ref) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return *f;
  auto& s = std::get<session>(so);
  auto node = node_of(s, ref, g.agent_node);
  if (auto* f = std::get_if<failure>(&node))
    return *f;
  return std::make_pair(std::move(s), std::get<std::string>(node));
}

void print_inspection(const v1::Inspection& x) {
  auto ms = [](const google::protobuf::Timestamp& t) { return clock_time(t.seconds(), t.nanos()); };
  std::cout << "agent        " << x.id().domain() << "/" << x.id().name() << "@"
            << x.id().version() << "\n"
            << "instance     " << x.id().instance() << "\n"
            << "node         " << x.node() << "\n"
            << "type         " << x.agent_type() << "\n"
            << "state        " << state_name(x.state()) << " (" << x.health() << ")\n"
            << "supervisor   " << x.supervisor() << "\n"
            << "incarnation  " << x.incarnation() << " (restarts " << x.restarts() << ")\n"
            << "mailbox      " << x.mailbox_depth() << " / " << x.mailbox_capacity() << "\n"
            << "in flight    " << x.in_flight() << "\n"
            << "counters     handled " << x.counters().handled() << ", errors "
            << x.counters().errors() << ", rejected " << x.counters().rejected_overloaded()
            << " overloaded / " << x.counters().rejected_draining() << " draining, unexpected "
            << x.counters().unexpected() << "\n";
  if (!x.counters().last_error().empty())
    std::cout << "last error   " << x.counters().last_error() << "\n";
  std::cout << "lifecycle\n";
  for (auto& h : x.history())
    std::cout << "  " << ms(h.at()) << "  " << state_name(h.from()) << " -> " << state_name(h.to())
              << (h.reason().empty() ? "" : "  (" + h.reason() + ")") << "\n";
  std::cout << "restart history\n";
  for (auto& e : x.restart_history()) {
    auto kind = short_name(agent::v1::SupervisorEventKind_Name(e.kind()), "SUPERVISOR_EVENT_KIND_");
    std::cout << "  incarnation " << e.incarnation() << "  " << kind
              << (e.reason().empty() ? "" : "  " + e.reason()) << "\n";
  }
  if (!x.state_type().empty())
    std::cout << "state        " << x.state_type() << " " << parse_json(x.state_json()).dump()
              << "\n";
  else
    std::cout << "state        (the agent type exposes no state)\n";
}

} // namespace

int cmd_inspect(const globals& g, const std::string& agent) {
  auto ref = parse_ref(agent);
  auto o = open_for(g, ref);
  if (auto* f = std::get_if<failure>(&o))
    return report(*f, g.json);
  auto& [s, node] = std::get<0>(o);
  v1::InspectRequest req;
  *req.mutable_agent() = ref;
  v1::InspectReply reply;
  if (auto f = s.c->ask(node, admin_verb::inspect, req, reply))
    return report(*f, g.json);
  if (reply.has_error())
    return report(failure_of(reply.error()), g.json);
  if (!g.json) {
    print_inspection(reply.inspection());
    return exit_ok;
  }
  auto j = to_json(reply.inspection());
  j["agent_state"] = reply.inspection().state_json().empty()
                 ? nlohmann::json(nullptr)
                 : parse_json(reply.inspection().state_json());
  j.erase("state_json");
  print_json(j);
  return exit_ok;
}

int cmd_send(const globals& g, const std::string& agent, const std::string& action,
             const std::string& json, const std::string& traceparent) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  v1::SendRequest req;
  *req.mutable_agent() = parse_ref(agent);
  req.set_action(action);
  req.set_json(json);
  req.set_traceparent(traceparent);
  auto t = g.net.timeout;
  req.mutable_timeout()->set_seconds(t.count() / 1000);
  req.mutable_timeout()->set_nanos(static_cast<int32_t>(t.count() % 1000) * 1000000);
  v1::SendReply reply;
  if (auto f = s.c->ask(s.any(), admin_verb::send, req, reply, t * 2))
    return report(*f, g.json);
  if (reply.has_error())
    return report(failure_of(reply.error()), g.json);
  auto& r = reply.result();
  auto body = parse_json(r.reply_json());
  if (g.json) {
    auto lat = r.latency().seconds() * 1e3 + r.latency().nanos() / 1e6;
    print_json({{"reply_type", r.reply_type()},
                {"reply", body},
                {"latency_ms", lat},
                {"trace_id", r.trace_id()}});
  } else {
    std::cout << r.reply_type() << " " << body.dump(2) << "\n";
  }
  return exit_ok;
}

int cmd_events(const globals& g, const std::string& agent, bool follow, uint32_t iterations,
               std::chrono::milliseconds interval) {
  auto ref = parse_ref(agent);
  auto o = open_for(g, ref);
  if (auto* f = std::get_if<failure>(&o))
    return report(*f, g.json);
  auto& [s, node] = std::get<0>(o);
  v1::EventsRequest req;
  *req.mutable_agent() = ref;
  std::set<std::tuple<int64_t, std::string, std::string>> seen;
  std::signal(SIGINT, on_sigint);
  for (uint32_t round = 0; !interrupted; ++round) {
    v1::EventsReply reply;
    if (auto f = s.c->ask(node, admin_verb::events, req, reply))
      return report(*f, g.json);
    if (reply.has_error())
      return report(failure_of(reply.error()), g.json);
    nlohmann::json fresh = nlohmann::json::array();
    for (auto& e : reply.events().events()) {
      if (!seen.insert({e.monotonic_ns(), e.source(), e.kind()}).second)
        continue;
      if (g.json)
        fresh.push_back(to_json(e));
      else
        std::cout << clock_time(e.at().seconds(), e.at().nanos()) << "  " << e.source() << "  " << e.kind()
                  << (e.reason().empty() ? "" : "  " + e.reason()) << std::endl;
    }
    if (g.json && (!follow || !fresh.empty()))
      print_json({{"agent", agent}, {"node", node}, {"events", fresh}});
    if (!follow || (iterations != 0 && round + 1 >= iterations))
      break;
    std::this_thread::sleep_for(interval); // polling cadence of --follow, not synchronisation
  }
  return exit_ok;
}

int cmd_control(const globals& g, v1::ControlOp op, const std::string& agent,
                std::chrono::milliseconds drain_deadline) {
  auto ref = parse_ref(agent);
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  v1::ControlRequest req;
  *req.mutable_agent() = ref;
  req.set_op(op);
  req.mutable_drain_deadline()->set_seconds(drain_deadline.count() / 1000);
  req.mutable_drain_deadline()->set_nanos(static_cast<int32_t>(drain_deadline.count() % 1000) * 1000000);
  auto node = node_of(s, ref, g.agent_node);
  std::vector<std::string> candidates;
  if (auto* n = std::get_if<std::string>(&node))
    candidates.push_back(*n);
  else if (op == v1::CONTROL_OP_STOP || op == v1::CONTROL_OP_RESTART)
    for (auto& n : s.view.nodes) // a stopped agent is in no registry: ask every node's tree
      candidates.push_back(n.node());
  else
    return report(std::get<failure>(node), g.json);
  v1::ControlReply reply;
  auto slow = std::chrono::milliseconds{35000} + g.net.timeout;
  for (auto& n : candidates) {
    if (auto f = s.c->ask(n, admin_verb::control, req, reply, slow))
      return report(*f, g.json);
    if (!reply.has_error() || reply.error().code() != v1::ADMIN_ERROR_CODE_NOT_FOUND)
      break;
  }
  if (reply.has_error())
    return report(failure_of(reply.error()), g.json);
  auto what = short_name(v1::ControlOp_Name(op), "CONTROL_OP_");
  if (g.json)
    print_json({{"agent", agent}, {"op", what}, {"ok", true}});
  else
    std::cout << what << " " << agent << ": ok\n";
  return exit_ok;
}

} // namespace smith::ctl
