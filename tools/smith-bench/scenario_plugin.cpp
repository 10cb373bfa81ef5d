// plugin_load: time from node::load_domain() to the domain's agents being discoverable on
// another node (two in-process nodes on one nats-server), and locally; baseline: the raw work
// underneath, dlopen + dlsym of the same library plus sys.spawn of as many raw CAF actors.
#include <dlfcn.h>

#include <filesystem>
#include <thread>

#include <caf/all.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "actors/node/node.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/plugin/plugin_abi.h"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/registry/registry_api.hpp"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/cluster_bench_node.hpp"
#include "tools/smith-bench/nats_launcher.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
constexpr auto discover_limit = 60s;

/// A node that loads plugins, counting the examples agents its registry sees.
struct plugin_bench_node : cluster_bench_node {
  caf::error start(const options& opts, const std::string& name, const std::string& url) {
    return cluster_bench_node::start(opts, name, url, "plugin_bench", true);
  }

  /// Agents of examples on node `of`, as this node's registry sees them.
  size_t count(const std::string& of) {
    caf::scoped_actor self{*sys};
    auto reg = registry();
    registry::record_filter f;
    f.domain = "examples";
    f.node = of;
    size_t n = 0;
    self->request(reg, 2s, registry::list_atom::value, f)
      .receive([&](std::vector<registry::agent_record>& xs) { n = xs.size(); },
               [](caf::error&) {});
    return n;
  }
};

/// Polls until `pred`; false after discover_limit.
template <class Pred>
bool await(Pred pred) {
  auto until = std::chrono::steady_clock::now() + discover_limit;
  while (!pred())
    if (std::chrono::steady_clock::now() > until)
      return false;
    else
      std::this_thread::sleep_for(100us);
  return true;
}

caf::expected<figures> smith_side(const options& opts, const std::string& url, size_t n) {
  plugin_bench_node a, b;
  if (auto err = b.start(opts, "b", url))
    return failure("node b: " + plugin::message_of(err));
  if (auto err = a.start(opts, "a", url))
    return failure("node a: " + plugin::message_of(err));
  auto t0 = now_ns();
  auto info = a.node->load_domain("examples");
  if (!info)
    return failure("load_domain: " + plugin::message_of(info.error()));
  auto want = n; // the plugin's default pools
  (void) info;
  if (!await([&] { return a.count("a") == want; }))
    return failure("agents not registered locally");
  auto t_local = now_ns();
  if (!await([&] { return b.count("a") == want; }))
    return failure("agents not discoverable on node b");
  auto t_remote = now_ns();
  if (auto err = a.node->unload_domain("examples", "", 5s))
    return failure("unload_domain: " + plugin::message_of(err));
  return figures{(t_remote - t0) / 1e6, (t_local - t0) / 1e6};
}

caf::expected<figures> raw_side(const options& opts, size_t n) {
  auto path = bench_plugin_dir() + "/libsmith_domain_examples.so";
  auto t0 = now_ns();
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr)
    return failure(std::string{"dlopen: "} + dlerror());
  auto entry = reinterpret_cast<smith_plugin_entry_fn>(dlsym(h, SMITH_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr || entry() == nullptr)
    return failure("dlsym found no entry point");
  countdown ready{n};
  {
    caf::actor_system_config cfg;
    configure(cfg, opts);
    caf::actor_system sys{cfg};
    std::vector<caf::actor> actors;
    for (size_t i = 0; i < n; ++i)
      actors.push_back(sys.spawn([&ready](int) -> caf::behavior { // unused int: see raw_pong
        ready.count_down();
        return {[](int x) { return x; }};
      }, 0));
    if (!ready.wait_for(discover_limit))
      return failure("raw actors did not start");
    auto t1 = now_ns();
    for (auto& x : actors)
      caf::anon_send_exit(x, caf::exit_reason::kill);
    dlclose(h);
    return figures{(t1 - t0) / 1e6, (t1 - t0) / 1e6};
  }
}

} // namespace

outcome run_plugin_load(const options& opts) {
  quiet_logs guard;
  auto server = nats_launcher::start();
  if (!server)
    return std::move(server.error());
  note("nats-server at " + (*server)->url() + ", plugins from " + bench_plugin_dir());
  auto url = (*server)->url();
  size_t n = 0; // agents of the plugin's default pools
  {
    domain::domain_catalog cat;
    plugin::plugin_host host{cat, {bench_plugin_dir()}};
    auto info = host.load("examples");
    if (!info)
      return failure(plugin::message_of(info.error()));
    for (auto& p : domain::effective_default_pools(*cat.find("examples")))
      n += p.instances;
  }
  return compare(opts,
                 {{"plugin_load", "ms"}, {"plugin_load_local", "ms"}},
                 [&](const options& o) { return smith_side(o, url, n); },
                 [&](const options& o) { return raw_side(o, n); });
}

} // namespace smith::bench
