// The cross-node demo: calls, broadcast, pool balancing and a killed node, as a checked report.
#include "tools/smithd/cluster_demo.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/node/node.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "tools/smithd/probe_client.hpp"

namespace smith::tools {

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr auto cluster_call_timeout = 2000ms;
constexpr auto poll_every = 50ms;

long long ms_since(steady::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(steady::now() - t0).count();
}

double ms_float(steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : " ") + x;
  return out.empty() ? "(none)" : out;
}

std::string joined(const std::set<std::string>& xs) {
  return joined(std::vector<std::string>{xs.begin(), xs.end()});
}

/// The demo: each step prints what it sees and records checks.
class demo {
public:
  demo(caf::actor_system& sys, const actors::node& node, const cluster_demo_options& opts,
       const std::atomic<bool>& stop)
    : sys_(sys), cfg_(node.config()), opts_(opts), stop_(stop), client_(sys, node.link()) {
    // nop
  }

  int run() {
    say("Smith cluster demo from node '{}' (no agents of its own): every call below leaves "
        "this process over NATS", cfg_.name);
    if (ready() && !stop_) {
      direct_calls();
      converge();
      broadcast();
      balanced(opts_.balanced_calls, "");
      if (!opts_.kill_node.empty())
        kill_and_watch();
    }
    return summary();
  }

private:
  template <class... Ts>
  void say(fmt::format_string<Ts...> f, Ts&&... xs) {
    std::cout << fmt::format(f, std::forward<Ts>(xs)...) << std::endl;
  }

  void heading(const std::string& text) { std::cout << "\n== " << text << std::endl; }

  void check(const std::string& what, bool ok, const std::string& detail = {}) {
    checks_.push_back({what, ok ? "PASS" : "FAIL", detail});
    failed_ |= !ok;
  }

  void skip(const std::string& what, const std::string& why) {
    checks_.push_back({what, "SKIP", why});
  }

  std::string render(const caf::error& err) { return bridge::error_text(err); }

  /// Every expected node answers $SRV.PING and a direct call to its echo-{node}-1.
  bool ready() {
    heading("waiting for the cluster: $SRV.PING and one call per node");
    auto t0 = steady::now();
    std::set<std::string> seen;
    std::set<std::string> want{opts_.nodes.begin(), opts_.nodes.end()};
    while (!stop_ && ms_since(t0) < opts_.ready_timeout.count()) {
      seen = client_.ping_nodes(300ms);
      bool all = std::includes(seen.begin(), seen.end(), want.begin(), want.end());
      for (auto& n : opts_.nodes)
        all = all && static_cast<bool>(client_.echo("echo-" + n + "-1", "ready?", 500ms));
      if (all) {
        say("$SRV.PING answered by: {} (after {} ms)", joined(seen), ms_since(t0));
        check("every node answers $SRV.PING and direct calls", true);
        return true;
      }
      std::this_thread::sleep_for(200ms);
    }
    if (!stop_)
      check("every node answers $SRV.PING and direct calls", false,
            "after " + std::to_string(ms_since(t0)) + " ms only " + joined(seen) + " answered");
    return false;
  }

  void direct_calls() {
    heading("(a) direct calls: agents.examples.{agent}.{action} reaches one named agent");
    bool ok = true;
    int64_t n = 0;
    for (auto& node : opts_.nodes) {
      for (auto name : {"echo-" + node + "-1", "echo-" + node + "-2"}) {
        auto t0 = steady::now();
        auto rep = client_.echo(name, "hello " + node, cluster_call_timeout);
        say("  {:<14} echo  -> {:<32} {:>6.2f} ms", name,
            rep ? '"' + *rep + '"' : render(rep.error()), ms_float(t0));
        ok = ok && rep && replier_of(*rep) == name;
      }
      auto counter = "counter-" + node + "-1";
      auto val = client_.add(counter, ++n, cluster_call_timeout);
      say("  {:<14} add {} -> {}", counter, n,
          val ? "value " + std::to_string(*val) : render(val.error()));
      ok = ok && val;
    }
    check("direct calls reach the named agent on every node", ok);
  }

  /// Prints this node's registry by node; returns the view (empty on error).
  std::map<std::string, std::vector<std::string>> view(const std::string& title) {
    heading(title);
    auto v = client_.registry_view();
    if (!v) {
      say("  registry: {}", sys_.render(v.error()));
      return {};
    }
    if (!client_.has_membership())
      say("  (this build runs no cluster membership yet: the registry lists local agents only)");
    for (auto& [node, names] : *v)
      say("  {:<8} {}", node, joined(names));
    if (v->empty())
      say("  (no agents known)");
    return *v;
  }

  /// Waits until this node's registry lists agents of every expected node (replicated
  /// from their registries), then prints it.
  void converge() {
    if (!client_.has_membership()) {
      view("discovery: this node's registry");
      skip("the registry here shows every node's agents", "no cluster membership in this build");
      return;
    }
    auto t0 = steady::now();
    std::map<std::string, std::vector<std::string>> v;
    auto complete = [&] {
      auto now = client_.registry_view();
      v = now ? *now : decltype(v){};
      for (auto& n : opts_.nodes)
        if (v.count(n) == 0)
          return false;
      return true;
    };
    bool ok = false;
    while (!stop_ && !(ok = complete()) && ms_since(t0) < 10000)
      std::this_thread::sleep_for(poll_every);
    auto waited = ms_since(t0);
    view(fmt::format("discovery: this node's registry, replicated from the other nodes "
                     "(complete after {} ms more)", waited));
    check("the registry here shows every node's agents", ok,
          ok ? std::string{} : "after " + std::to_string(waited) + " ms");
  }

  size_t echo_agents_known() {
    size_t n = 0;
    if (auto v = client_.registry_view())
      for (auto& [node, names] : *v)
        for (auto& name : names)
          n += name.rfind("echo-", 0) == 0 ? 1 : 0;
    return n;
  }

  void broadcast() {
    heading("(b) broadcast: agents.examples._all.echo, every echo agent of every node replies");
    auto known = client_.has_membership() ? echo_agents_known() : 0;
    auto t0 = steady::now();
    auto replies = client_.gather_echo("hello everybody", static_cast<uint32_t>(known), 1500ms);
    if (!replies) {
      check("broadcast gathers a reply from every node", false, render(replies.error()));
      return;
    }
    std::set<std::string> agents, nodes;
    for (auto& r : *replies) {
      say("  \"{}\"", r);
      agents.insert(replier_of(r));
      nodes.insert(node_of(replier_of(r)));
    }
    say("  {} replies from {} agents on nodes {} in {:.2f} ms", replies->size(), agents.size(),
        joined(nodes), ms_float(t0));
    bool all = true;
    for (auto& n : opts_.nodes)
      all = all && nodes.count(n) > 0;
    check("broadcast gathers a reply from every node", all && agents.size() == replies->size(),
          joined(nodes));
    if (known > 0)
      check("broadcast replies = echo agents in the registry", replies->size() == known,
            std::to_string(replies->size()) + " of " + std::to_string(known));
  }

  void balanced(int calls, const std::string& gone) {
    heading(fmt::format("(c) load balancing: {} calls to the pool subject agents.examples.echo.echo "
                        "(NATS queue group smith.examples.echo){}",
                        calls, gone.empty() ? "" : ", after " + gone + " died"));
    std::map<std::string, int> by_agent, by_node;
    int failed = 0;
    std::string first_error;
    for (int i = 1; i <= calls && !stop_; ++i) {
      auto rep = client_.echo("echo", "call " + std::to_string(i), cluster_call_timeout);
      if (!rep) {
        if (failed++ == 0)
          first_error = render(rep.error());
        continue;
      }
      ++by_agent[replier_of(*rep)];
      ++by_node[node_of(replier_of(*rep))];
    }
    say("  {:<14} {:<6} {}", "agent", "node", "answered");
    for (auto& [agent, n] : by_agent)
      say("  {:<14} {:<6} {}", agent, node_of(agent), n);
    std::string per_node;
    for (auto& [node, n] : by_node)
      per_node += fmt::format("{}{} {}", per_node.empty() ? "" : ", ", node, n);
    say("  per node: {}{}", per_node, failed ? fmt::format("; {} failed ({})", failed, first_error) : "");
    auto suffix = gone.empty() ? std::string{} : " after the kill";
    check("every pool call answered" + suffix, failed == 0, first_error);
    auto live = opts_.nodes.size() - (gone.empty() ? 0 : 1);
    if (live > 1)
      check("pool calls spread over several nodes" + suffix, by_node.size() > 1, per_node);
    if (!gone.empty())
      check("no pool call answered by " + gone, by_node.count(gone) == 0, per_node);
  }

  bool is_smithd(int pid) {
    std::ifstream comm{"/proc/" + std::to_string(pid) + "/comm"};
    std::string name;
    return comm >> name && name == "smithd";
  }

  /// Polls this node's registry until `node` has no agents left; the time it took.
  std::optional<long long> await_gone(const std::string& node, steady::time_point t0,
                                      milliseconds limit) {
    while (!stop_ && ms_since(t0) <= limit.count()) {
      auto v = client_.registry_view();
      if (v && v->count(node) == 0)
        return ms_since(t0);
      std::this_thread::sleep_for(poll_every);
    }
    return std::nullopt;
  }

  void kill_and_watch() {
    auto& victim = opts_.kill_node;
    auto before = view("(d) before the kill: this node's registry");
    heading(fmt::format("(d) kill -9 {} (pid {})", victim, opts_.kill_pid));
    if (!is_smithd(opts_.kill_pid) || ::kill(opts_.kill_pid, SIGKILL) != 0) {
      check("kill -9 " + victim, false, "pid " + std::to_string(opts_.kill_pid) + " is no smithd");
      return;
    }
    auto t0 = steady::now();
    // Down is detected on a heartbeat tick once down_after passed since the last beat (which
    // came up to one interval before the kill); one more interval covers the drop reaching
    // the registry on a loaded machine.
    auto bound = cfg_.cluster.down_after + 2 * cfg_.cluster.heartbeat_interval;
    if (client_.has_membership() && before.count(victim) > 0) {
      auto gone = await_gone(victim, t0, bound + 3000ms);
      if (gone)
        say("  {}'s {} agents left this node's registry {} ms after the kill (bound {} ms = "
            "down_after {} ms + two {} ms heartbeat intervals)",
            victim, before[victim].size(), *gone, bound.count(), cfg_.cluster.down_after.count(),
            cfg_.cluster.heartbeat_interval.count());
      check(victim + "'s agents leave discovery within the bound", gone && *gone <= bound.count(),
            gone ? std::to_string(*gone) + " ms" : "still listed");
      if (auto ps = client_.peers())
        for (auto& p : *ps)
          say("  membership: {:<8} {}", p.node, p.up ? "up" : "down");
    } else {
      say("  the registry here has no cluster view of {}: not checked", victim);
      skip(victim + "'s agents leave discovery within the bound",
           "no cluster membership/replication in this build");
    }
    auto seen = client_.ping_nodes(300ms);
    say("  $SRV.PING now answered by: {}", joined(seen));
    check("$SRV.PING no longer finds " + victim, seen.count(victim) == 0, joined(seen));
    view("(d) after the kill: this node's registry");
    balanced(12, victim);
  }

  int summary() {
    heading("summary");
    for (auto& c : checks_)
      say("  {}  {}{}", c.status, c.what, c.detail.empty() ? "" : " (" + c.detail + ")");
    if (stop_) {
      say("cluster demo: interrupted");
      return 130;
    }
    say("{}", failed_ ? "cluster demo: FAILED" : "cluster demo: all checks passed");
    return failed_ ? 1 : 0;
  }

  struct check_result {
    std::string what;
    std::string status;
    std::string detail;
  };

  caf::actor_system& sys_;
  const config::node_config& cfg_;
  const cluster_demo_options& opts_;
  const std::atomic<bool>& stop_;
  probe_client client_;
  std::vector<check_result> checks_;
  bool failed_ = false;
};

} // namespace

int run_cluster_demo(caf::actor_system& sys, const actors::node& node,
                     const cluster_demo_options& opts, const std::atomic<bool>& stop) {
  if (!node.link()) {
    std::cerr << "smithd: --probe needs a [nats] section with urls in the config\n";
    return 1;
  }
  return demo{sys, node, opts, stop}.run();
}

} // namespace smith::tools
