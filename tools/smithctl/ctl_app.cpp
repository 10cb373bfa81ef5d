// smithctl's command line: global options, one subcommand per verb.
#include "tools/smithctl/ctl_app.hpp"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "smith/version.hpp"
#include "tools/smithctl/ctl_output.hpp"
#include "tools/smithctl/ctl_verbs.hpp"

namespace smith::ctl {

namespace {

namespace v1 = admin::v1;

struct args {
  globals g;
  std::string timeout = "2s";
  std::string node, agent, action, json_body, spec, name, version, deadline = "5s";
  std::string traceparent;
  std::string capability, range, interval = "1s";
  agent_filter filter;
  memory_args memory;
  bool healthy = false, follow = false, once = false;
  uint32_t iterations = 0, limit = 20;
  std::function<int()> verb;
};

std::chrono::milliseconds dur(const std::string& text) {
  return *parse_duration(text); // validated by CLI11 (duration_check)
}

CLI::Validator duration_check() {
  return CLI::Validator(
    [](std::string& s) {
      return parse_duration(s) ? std::string{} : "not a duration (500ms, 2s, 1m): " + s;
    },
    "DURATION");
}

/// `--node` on a verb that names one agent.
void add_agent_node(CLI::App* verb, args& a) {
  verb->add_option("--node", a.g.agent_node, "the node the agent is on (a name several use)");
}

void add_reads(CLI::App& app, args& a) {
  app.add_subcommand("nodes", "cluster members: status, uptime, version, agents")
    ->callback([&] { a.verb = [&] { return cmd_nodes(a.g); }; });
  auto* tree = app.add_subcommand("tree", "supervision trees (every node, or --node)");
  tree->add_option("--node", a.node, "only this node");
  tree->callback([&] { a.verb = [&] { return cmd_tree(a.g, a.node); }; });
  auto* agents = app.add_subcommand("agents", "agents of the cluster (registry view)");
  agents->add_option("--domain", a.filter.domain, "only this domain");
  agents->add_option("--capability", a.filter.capability, "only agents with this capability");
  agents->add_option("--state", a.filter.state, "only this lifecycle state (active, ...)");
  agents->add_option("--node", a.filter.node, "only agents on this node");
  agents->callback([&] { a.verb = [&] { return cmd_agents(a.g, a.filter); }; });
  auto* inspect = app.add_subcommand("inspect", "everything about one agent, its state too");
  inspect->add_option("agent", a.agent, "[domain/]name")->required();
  add_agent_node(inspect, a);
  inspect->callback([&] { a.verb = [&] { return cmd_inspect(a.g, a.agent); }; });
  auto* find = app.add_subcommand("find", "agents with a capability");
  find->add_option("capability", a.capability, "capability name")->required();
  find->add_option("--version", a.range, "SemVer range (npm syntax)");
  find->add_flag("--healthy", a.healthy, "only the agent find_healthy picks");
  find->callback([&] { a.verb = [&] { return cmd_find(a.g, a.capability, a.range, a.healthy); }; });
  auto* send = app.add_subcommand("send", "call an agent action with a JSON request");
  send->add_option("agent", a.agent, "[domain/]name")->required();
  add_agent_node(send, a);
  send->add_option("action", a.action, "action (endpoint)")->required();
  send->add_option("--json,--body", a.json_body, "request as protobuf JSON")->required();
  send->add_option("--traceparent", a.traceparent,
                   "W3C traceparent to continue (default: the node starts a trace)");
  send->callback([&] {
    a.verb = [&] { return cmd_send(a.g, a.agent, a.action, a.json_body, a.traceparent); };
  });
  auto* events = app.add_subcommand("events", "supervisor and lifecycle events of an agent");
  events->add_option("agent", a.agent, "[domain/]name")->required();
  add_agent_node(events, a);
  events->add_flag("-f,--follow", a.follow, "keep polling for new events");
  events->add_option("--iterations", a.iterations, "with --follow: stop after N polls");
  events->add_option("--interval", a.interval, "poll interval")->check(duration_check());
  events->callback([&] {
    a.verb = [&] { return cmd_events(a.g, a.agent, a.follow, a.iterations, dur(a.interval)); };
  });
}

void add_memory(CLI::App& app, args& a) {
  auto* cp = app.add_subcommand("checkpoint", "save an event-sourced agent's state under a label");
  cp->add_option("agent", a.memory.agent, "[domain/]name")->required();
  cp->add_option("label", a.memory.label, "checkpoint label")->required();
  auto* rs = app.add_subcommand("restore", "make a checkpoint (or the state after event --seq) "
                                           "the agent's state");
  rs->add_option("agent", a.memory.agent, "[domain/]name")->required();
  auto* label = rs->add_option("--label", a.memory.label, "checkpoint label");
  rs->add_option("--seq", a.memory.seq, "event sequence number")->excludes(label);
  auto* wp = app.add_subcommand("wipe", "clear an agent's history and state (core knowledge stays)");
  wp->add_option("agent", a.memory.agent, "[domain/]name")->required();
  auto* fk = app.add_subcommand("fork", "start a copy of an agent (same type and pool)");
  fk->add_option("agent", a.memory.agent, "[domain/]name")->required();
  fk->add_option("name", a.memory.fork_name, "the copy's name")->required();
  const std::pair<CLI::App*, admin::v1::MemoryOp> ops[] = {
    {cp, admin::v1::MEMORY_OP_CHECKPOINT}, {rs, admin::v1::MEMORY_OP_RESTORE},
    {wp, admin::v1::MEMORY_OP_WIPE}, {fk, admin::v1::MEMORY_OP_FORK}};
  for (auto [sub, op] : ops) {
    sub->add_option("--why", a.memory.why, "recorded with the operation");
    add_agent_node(sub, a);
    sub->callback([&a, sub = sub, op = op] {
      if (op == admin::v1::MEMORY_OP_RESTORE && a.memory.label.empty() && sub->count("--seq") == 0)
        throw CLI::ValidationError("restore", "needs --label or --seq");
      a.memory.op = op;
      a.verb = [&a] { return cmd_memory(a.g, a.memory); };
    });
  }
}

void add_control(CLI::App& app, args& a) {
  auto* agent = app.add_subcommand("agent", "stop|restart|suspend|resume|drain|kill an agent");
  agent->require_subcommand(1);
  const std::pair<const char*, v1::ControlOp> ops[] = {
    {"stop", v1::CONTROL_OP_STOP},       {"restart", v1::CONTROL_OP_RESTART},
    {"suspend", v1::CONTROL_OP_SUSPEND}, {"resume", v1::CONTROL_OP_RESUME},
    {"drain", v1::CONTROL_OP_DRAIN},     {"kill", v1::CONTROL_OP_KILL}};
  for (auto [name, op] : ops) {
    auto* sub = agent->add_subcommand(name, std::string{name} + " an agent");
    sub->add_option("agent", a.agent, "[domain/]name")->required();
    add_agent_node(sub, a);
    if (op == v1::CONTROL_OP_DRAIN)
      sub->add_option("--deadline", a.deadline, "exit after this long anyway (0 = none)")
        ->check(duration_check());
    sub->callback([&a, op = op] {
      a.verb = [&a, op] {
        auto d = op == v1::CONTROL_OP_DRAIN && a.deadline != "5s" ? dur(a.deadline)
                                                                  : std::chrono::milliseconds{0};
        return cmd_control(a.g, op, a.agent, d);
      };
    });
  }
}

void add_domains(CLI::App& app, args& a) {
  auto* domains = app.add_subcommand("domains", "domains of every node (or --node)");
  domains->add_option("--node", a.node, "only this node");
  domains->callback([&] { a.verb = [&] { return cmd_domains(a.g, a.node); }; });
  auto* domain = app.add_subcommand("domain", "load|unload a domain plugin");
  domain->require_subcommand(1);
  auto* load = domain->add_subcommand("load", "load a domain plugin on every node (or --node)");
  load->add_option("spec", a.spec, "plugin path")->required();
  load->add_option("--node", a.node, "only this node");
  load->callback([&] { a.verb = [&] { return cmd_domain_load(a.g, a.spec, a.node); }; });
  auto* unload = domain->add_subcommand("unload", "unload a domain on every node (or --node)");
  unload->add_option("name", a.name, "domain name")->required();
  unload->add_option("--version", a.version, "version or SemVer range");
  unload->add_option("--deadline", a.deadline, "drain deadline of its agents")
    ->check(duration_check());
  unload->add_option("--node", a.node, "only this node");
  unload->callback([&] {
    a.verb = [&] { return cmd_domain_unload(a.g, a.name, a.version, dur(a.deadline), a.node); };
  });
}

void add_top(CLI::App& app, args& a) {
  auto* top = app.add_subcommand("top", "live view: agents by mailbox depth and message rate");
  top->add_flag("--once", a.once, "one sample, then exit");
  top->add_option("--iterations", a.iterations, "stop after N samples (0 = until q/Ctrl-C)");
  top->add_option("--interval", a.interval, "refresh interval")->check(duration_check());
  top->add_option("--limit", a.limit, "rows shown");
  top->callback([&] {
    a.verb = [&] {
      return cmd_top(a.g, a.once ? 1 : a.iterations, dur(a.interval), a.limit);
    };
  });
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--json") == 0)
      return true;
  return false;
}

} // namespace

int run(int argc, char** argv) {
  CLI::App app{"smithctl - inspect and manage a Smith cluster over NATS"};
  app.require_subcommand(1);
  app.fallthrough();
  args a;
  if (const char* env = std::getenv("NATS_URL"); env != nullptr && *env != '\0')
    a.g.net.server = env;
  app.add_option("-s,--server", a.g.net.server, "NATS URL (default $NATS_URL or nats://127.0.0.1:4222)");
  app.add_option("--creds", a.g.net.creds, "NATS credentials file");
  app.add_option("-t,--timeout", a.timeout, "how long to wait for the cluster (500ms, 2s)")
    ->check(duration_check());
  app.add_flag("--json", a.g.json, "machine output: one JSON object (errors too)");
  app.set_version_flag("-V,--version", std::string{"smithctl "} + smith::version_string);
  add_reads(app, a);
  add_control(app, a);
  add_memory(app, a);
  add_domains(app, a);
  add_top(app, a);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (wants_json(argc, argv))
      return report({exit_usage, "USAGE", e.what()}, true);
    app.exit(e);
    return exit_usage;
  }
  a.g.net.timeout = dur(a.timeout);
  return a.verb ? a.verb() : exit_usage;
}

} // namespace smith::ctl
