// smithd: one Smith node. Parses the command line and wires the parts together.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/node/node.hpp"
#include "actors/tree/tree_builder.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/log/logging.hpp"
#include "smith/version.hpp"
#include "tools/dashboard/dashboard_routes.hpp"
#include "tools/smithd/cluster_demo.hpp"
#include "tools/smithd/demo_driver.hpp"
#include "tools/smithd/service_notify.hpp"
#include "tools/smithd/signal_waiter.hpp"

namespace {

// sysexits.h values, so that init systems and scripts can tell failures apart.
constexpr int ex_usage = 64;
constexpr int ex_config = 78;

struct options {
  std::string config_path;
  bool demo = false;
  bool check = false;
  bool print_default = false;
  /// --probe / --probe-kill, parsed; nodes empty = no probe.
  smith::tools::cluster_demo_options probe;
};

/// The message of a config error: its context is the full "file:line:col: what".
std::string message_of(caf::actor_system_config& cfg, const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return cfg.render(err);
}

std::optional<smith::config::node_config> load(const options& opts) {
  auto cfg = opts.config_path.empty() ? smith::config::load_default_config()
                                      : smith::config::load_config_file(opts.config_path);
  if (cfg) {
    // smithd links no domain: a [[domain]] without `plugin` is the plugin of its name.
    for (auto& d : cfg->domains)
      if (d.plugin.empty())
        d.plugin = d.name;
    return std::move(*cfg);
  }
  caf::actor_system_config tmp;
  smith::configure_actor_system(tmp);
  std::cerr << message_of(tmp, cfg.error()) << '\n';
  return std::nullopt;
}

void configure_caf(caf::actor_system_config& caf_cfg, const smith::config::node_config& cfg) {
  smith::configure_actor_system(caf_cfg);
  smith::configure_scheduler(caf_cfg, cfg.scheduler.policy, cfg.scheduler.effective_threads());
}

/// The plugin directories: `[plugins] dirs`, by default the lib/ next to smithd's bin/.
std::vector<std::string> plugin_dirs(const smith::config::node_config& cfg) {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto lib = ec ? std::filesystem::path{"lib"} : exe.parent_path().parent_path() / "lib";
  return smith::config::effective_plugin_dirs(cfg, lib.lexically_normal().string());
}

/// --check: everything start() validates, without starting anything; here a plugin that does
/// not load is an error too.
int check_tree(const smith::config::node_config& cfg) {
  caf::actor_system_config tmp;
  smith::configure_actor_system(tmp);
  smith::domain::domain_catalog catalog;
  smith::plugin::plugin_host host{catalog, plugin_dirs(cfg)};
  for (auto& d : cfg.domains) {
    if (d.plugin.empty())
      continue;
    if (auto info = host.load(d.plugin); !info) {
      std::cerr << d.where << ": domain '" << d.name << "': "
                << smith::plugin::message_of(info.error()) << '\n';
      return ex_config;
    }
  }
  auto spec = smith::actors::build_root_spec(cfg, catalog, {});
  if (!spec) {
    std::cerr << message_of(tmp, spec.error()) << '\n';
    return ex_config;
  }
  std::cout << cfg.source << ": ok (" << cfg.domains.size() << " domain(s))\n";
  return 0;
}

/// The web dashboard on the node's HTTP endpoint; it asks the cluster over the node's rpc
/// connection, which exists once start() returned (until then the page says so).
void add_dashboard(smith::actors::node& node) {
  auto& name = node.config().name;
  auto source = std::make_shared<smith::dashboard::cluster_source>(
    [&node]() -> std::shared_ptr<smith::nats::connection> {
      return node.link() ? node.link()->rpc : nullptr;
    },
    "node " + name, std::chrono::milliseconds{1000});
  smith::dashboard::add_dashboard_routes(node.http_routes(), std::move(source), name);
}

int run_node(const options& opts, const smith::config::node_config& cfg) {
  // The waiter blocks SIGINT/SIGTERM before CAF starts its threads, so that
  // they inherit the mask and only the waiter ever sees those signals.
  std::mutex mtx;
  std::function<void(int)> on_signal;
  int early_signal = 0; // a signal that came before the node could act on it
  smith::tools::signal_waiter signals{[&](int sig) {
    std::lock_guard<std::mutex> guard{mtx};
    if (on_signal)
      on_signal(sig);
    else
      early_signal = sig;
  }};
  // Plugins are closed after the actor system is gone (declared before it).
  smith::domain::domain_catalog catalog;
  smith::plugin::plugin_host host{catalog, plugin_dirs(cfg)};
  caf::actor_system_config caf_cfg;
  configure_caf(caf_cfg, cfg);
  caf::actor_system sys{caf_cfg};
  smith::actors::node node{sys, cfg, catalog, host};
  add_dashboard(node);
  if (auto err = node.start()) {
    std::cerr << message_of(caf_cfg, err) << '\n';
    return ex_config;
  }
  caf::actor driver;
  if (opts.demo)
    driver = smith::tools::spawn_demo_driver(sys, node.root(), {});
  std::atomic<bool> stopping{false};
  {
    std::lock_guard<std::mutex> guard{mtx};
    on_signal = [&](int sig) {
      spdlog::info("received {}", sig == SIGINT ? "SIGINT" : "SIGTERM");
      stopping = true;
      smith::tools::notify_service_manager("STOPPING=1");
      if (driver)
        caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
      node.request_shutdown();
    };
    if (early_signal != 0)
      on_signal(early_signal);
  }
  spdlog::info("node {} up: {} scheduler threads ({}), config {}", cfg.name,
               cfg.scheduler.effective_threads(), smith::config::to_string(cfg.scheduler.policy),
               cfg.source);
  // start() returned: NATS is connected and the event store open (when configured), the tree
  // runs. That is what readiness means to systemd (config/smithd.service, Type=notify).
  smith::tools::notify_service_manager("READY=1\nSTATUS=node " + cfg.name + " serving");
  int probe_rc = 0;
  if (!opts.probe.nodes.empty()) {
    probe_rc = smith::tools::run_cluster_demo(sys, node, opts.probe, stopping);
    node.request_shutdown();
  }
  auto result = node.wait();
  {
    std::lock_guard<std::mutex> guard{mtx};
    on_signal = nullptr;
  }
  if (driver)
    caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  auto rc = result.exit_code();
  return rc != 0 ? rc : probe_rc;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"smithd - a Smith node: supervision trees of typed agents"};
  options opts;
  app.add_option("-c,--config", opts.config_path, "TOML config file (default: embedded)");
  app.add_flag("--demo", opts.demo, "drive demo traffic through the examples domain");
  app.add_flag("--check", opts.check, "validate the config and exit");
  std::string probe_nodes;
  std::string probe_kill;
  app.add_option("--probe", probe_nodes,
                 "run the cross-node demo against nodes N1,N2,... (needs [nats]), then exit: "
                 "0 when every check passed");
  app.add_option("--probe-kill", probe_kill,
                 "with --probe: kill -9 smithd NODE:PID and watch its agents leave discovery")
    ->needs("--probe");
  app.add_flag("--print-default-config", opts.print_default, "print the embedded config");
  app.set_version_flag("-V,--version", std::string{"smithd "} + smith::version_string
                                         + " (CAF " + smith::caf_version_string + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? 0 : ex_usage;
  }
  if (!probe_nodes.empty()) {
    auto probe = smith::tools::parse_cluster_demo_args(probe_nodes, probe_kill);
    if (!probe) {
      auto& ctx = probe.error().context();
      std::cerr << "smithd: "
                << (ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                                      : std::string{"invalid --probe arguments"})
                << '\n';
      return ex_usage;
    }
    opts.probe = std::move(*probe);
  }
  if (opts.print_default) {
    std::cout << smith::config::default_config_text();
    return 0;
  }
  auto cfg = load(opts);
  if (!cfg)
    return ex_config;
  if (opts.check)
    return check_tree(*cfg);
  if (!opts.probe.nodes.empty() && cfg->nats.urls.empty()) {
    std::cerr << "smithd: --probe needs a config with [nats] urls (" << cfg->source << ")\n";
    return ex_usage;
  }
  if (auto err = smith::log::setup_logging(cfg->log, cfg->name)) {
    std::cerr << "smithd: cannot set up logging\n";
    return ex_config;
  }
  return run_node(opts, *cfg);
}
