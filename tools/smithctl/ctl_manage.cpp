// smithctl verbs: domains, domain load|unload, top.
#include <algorithm>
#include <csignal>
#include <iostream>
#include <map>
#include <thread>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "tools/smithctl/ctl_output.hpp"
#include "tools/smithctl/ctl_verbs.hpp"

namespace smith::ctl {

namespace v1 = admin::v1;
using bridge::admin_verb;

namespace {

/// The nodes a domain verb addresses: `node` (checked) or every node.
std::variant<std::vector<std::string>, failure> targets(session& s, const std::string& node) {
  if (!node.empty()) {
    if (auto f = s.reach(node))
      return *f;
    return std::vector<std::string>{node};
  }
  std::vector<std::string> out;
  for (auto& n : s.view.nodes)
    out.push_back(n.node());
  return out;
}

template <class Req>
int domain_change(const globals& g, admin_verb verb, const Req& req, const std::string& node,
                  const std::string& what) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  auto ts = targets(s, node);
  if (auto* f = std::get_if<failure>(&ts))
    return report(*f, g.json);
  nlohmann::json done = nlohmann::json::array();
  for (auto& n : std::get<0>(ts)) {
    v1::DomainReply reply;
    if (auto f = s.c->ask(n, verb, req, reply, g.net.timeout + std::chrono::seconds{30}))
      return report(*f, g.json);
    if (reply.has_error())
      return report(failure_of(reply.error()), g.json);
    if (!g.json)
      std::cout << what << " " << reply.domain().name() << " " << reply.domain().version()
                << " on " << n << ": ok\n";
    // Done, with reservations (e.g. a node did not confirm an unload): stderr, exit 0.
    nlohmann::json warnings = nlohmann::json::array();
    for (auto& w : reply.warnings()) {
      std::cerr << "warning: " << w << "\n";
      warnings.push_back(w);
    }
    done.push_back({{"node", n}, {"domain", to_json(reply.domain())}, {"warnings", warnings}});
  }
  if (g.json)
    print_json({{"done", done}});
  return exit_ok;
}

} // namespace

int cmd_domains(const globals& g, const std::string& node) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  auto ts = targets(s, node);
  if (auto* f = std::get_if<failure>(&ts))
    return report(*f, g.json);
  table t{{"NODE", "DOMAIN", "VERSION", "STATE", "AGENTS", "AGENT TYPES", "SOURCE"}};
  nlohmann::json all = nlohmann::json::array();
  for (auto& n : std::get<0>(ts)) {
    v1::DomainsReply reply;
    if (auto f = s.c->ask(n, admin_verb::domains, v1::DomainsRequest{}, reply))
      return report(*f, g.json);
    if (reply.has_error())
      return report(failure_of(reply.error()), g.json);
    all.push_back(to_json(reply.domains()));
    for (auto& d : reply.domains().domains()) {
      std::string types;
      for (auto& a : d.agent_types())
        types += (types.empty() ? "" : ",") + a;
      auto state = d.state().empty() ? std::string{"-"} : d.state();
      if (!d.error().empty())
        state += " (" + d.error() + ")";
      t.add({n, d.name(), d.version(), state, std::to_string(d.agents()), types, d.source()});
    }
  }
  if (g.json)
    print_json({{"nodes", all}});
  else
    t.print(std::cout);
  return exit_ok;
}

int cmd_domain_load(const globals& g, const std::string& spec, const std::string& node) {
  v1::DomainLoadRequest req;
  req.set_spec(spec);
  return domain_change(g, admin_verb::load, req, node, "loaded");
}

int cmd_domain_unload(const globals& g, const std::string& name, const std::string& version,
                      std::chrono::milliseconds deadline, const std::string& node) {
  v1::DomainUnloadRequest req;
  req.set_name(name);
  req.set_version(version);
  req.mutable_deadline()->set_seconds(deadline.count() / 1000);
  req.mutable_deadline()->set_nanos(static_cast<int32_t>(deadline.count() % 1000) * 1000000);
  return domain_change(g, admin_verb::unload, req, node, "unloaded");
}

namespace {

volatile std::sig_atomic_t top_stop = 0;

void on_top_signal(int) {
  top_stop = 1;
}

/// Raw, non-echoing stdin while `top` runs on a terminal (so 'q' needs no Enter).
struct raw_terminal {
  termios saved{};
  bool active = false;
  raw_terminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) != 0)
      return;
    auto raw = saved;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~raw_terminal() {
    if (active)
      tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  }
  /// Waits up to `t` for a key; true when it was 'q' or 'Q'.
  bool quit_pressed(std::chrono::milliseconds t) const {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (!active) {
      std::this_thread::sleep_for(t); // refresh cadence, not synchronisation
      return false;
    }
    if (poll(&p, 1, static_cast<int>(t.count())) <= 0)
      return false;
    char c = 0;
    return read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q');
  }
};

struct sample {
  uint64_t handled = 0;
  int64_t at_ns = 0;
};

struct top_row {
  std::string node;
  v1::AgentStat stat;
  double rate = -1; // messages/s; < 0 = unknown (first sample)
};

std::vector<top_row> collect(session& s, uint32_t limit, std::map<std::string, sample>& prev,
                             std::optional<failure>& err) {
  std::vector<top_row> rows;
  v1::StatsRequest req;
  req.set_limit(limit);
  for (auto& n : s.view.nodes) {
    v1::StatsReply reply;
    if (auto f = s.c->ask(n.node(), admin_verb::stats, req, reply)) {
      err = f;
      continue;
    }
    if (reply.has_error())
      continue;
    auto now = reply.stats().monotonic_ns();
    for (auto& a : reply.stats().agents()) {
      top_row r{n.node(), a, -1};
      auto key = n.node() + "/" + a.instance();
      auto it = prev.find(key);
      if (it != prev.end() && now > it->second.at_ns && a.handled() >= it->second.handled)
        r.rate = (a.handled() - it->second.handled) * 1e9 / (now - it->second.at_ns);
      prev[key] = {a.handled(), now};
      rows.push_back(std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) {
    if (a.stat.mailbox_depth() != b.stat.mailbox_depth())
      return a.stat.mailbox_depth() > b.stat.mailbox_depth();
    return a.rate > b.rate;
  });
  return rows;
}

void render(const globals& g, const std::vector<top_row>& rows, bool clear, uint32_t limit) {
  if (g.json) {
    nlohmann::json xs = nlohmann::json::array();
    for (auto& r : rows)
      xs.push_back({{"node", r.node}, {"domain", r.stat.domain()}, {"name", r.stat.name()},
                    {"state", r.stat.state()}, {"mailbox_depth", r.stat.mailbox_depth()},
                    {"handled", r.stat.handled()}, {"errors", r.stat.errors()},
                    {"rate", r.rate < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.rate)}});
    print_json({{"agents", xs}});
    return;
  }
  if (clear)
    std::cout << "\x1b[H\x1b[2J";
  table t{{"NODE", "AGENT", "STATE", "MAILBOX", "MSG/S", "HANDLED", "ERRORS"}};
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    auto& r = rows[i];
    char rate[32] = "-";
    if (r.rate >= 0)
      std::snprintf(rate, sizeof rate, "%.1f", r.rate);
    t.add({r.node, r.stat.domain() + "/" + r.stat.name(), r.stat.state(),
           std::to_string(r.stat.mailbox_depth()), rate, std::to_string(r.stat.handled()),
           std::to_string(r.stat.errors())});
  }
  t.print(std::cout);
  if (clear)
    std::cout << "\n(q or Ctrl-C to quit)" << std::flush;
}

} // namespace

int cmd_top(const globals& g, uint32_t iterations, std::chrono::milliseconds interval,
            uint32_t limit) {
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  std::signal(SIGINT, on_top_signal);
  std::signal(SIGTERM, on_top_signal);
  bool live = iterations == 0 && !g.json && isatty(STDOUT_FILENO);
  raw_terminal term;
  std::map<std::string, sample> prev;
  for (uint32_t round = 0; !top_stop; ++round) {
    std::optional<failure> err;
    auto rows = collect(s, limit, prev, err);
    if (rows.empty() && err)
      return report(*err, g.json);
    render(g, rows, live, limit);
    if (iterations != 0 && round + 1 >= iterations)
      break;
    if (term.quit_pressed(interval))
      break;
  }
  if (live)
    std::cout << '\n';
  return exit_ok;
}

} // namespace smith::ctl
