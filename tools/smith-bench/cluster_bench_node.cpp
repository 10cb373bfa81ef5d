// An in-process smithd node for the cluster scenarios.
#include "tools/smith-bench/cluster_bench_node.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "runtime/config/config_loader.hpp"

namespace smith::bench {

std::string bench_plugin_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (exe.parent_path().parent_path() / "lib").lexically_normal().string();
}

cluster_bench_node::~cluster_bench_node() {
  node.reset(); // stops the tree while the actor system is still up
}

caf::error cluster_bench_node::start(const options& opts, const std::string& name,
                                     const std::string& url, const std::string& bucket,
                                     bool plugins) {
  configure(cfg, opts);
  sys = std::make_unique<caf::actor_system>(cfg);
  auto text = fmt::format("[node]\nname = \"{}\"\n[nats]\nurls = [\"{}\"]\n"
                          "[cluster]\nkv_bucket = \"{}\"\n",
                          name, url, bucket);
  auto nc = config::load_config_text(text, name + ".toml");
  if (!nc)
    return std::move(nc.error());
  if (plugins) {
    host = std::make_unique<plugin::plugin_host>(catalog,
                                                 std::vector<std::string>{bench_plugin_dir()});
    node = std::make_unique<actors::node>(*sys, *nc, catalog, *host);
  } else {
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
  }
  return node->start();
}

registry::registry_actor cluster_bench_node::registry() const {
  return caf::actor_cast<registry::registry_actor>(sys->registry().get(registry::registry_name));
}

} // namespace smith::bench
