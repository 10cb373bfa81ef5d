// Plugin host: libraries, catalog entries and actor leases of loaded plugins.
#include "runtime/plugin/plugin_host.hpp"

#include <spdlog/spdlog.h>

#include "runtime/agent/semver.hpp"
#include "runtime/plugin/actor_lease.hpp"
#include "runtime/plugin/plugin_errc.hpp"

namespace smith::plugin {

struct plugin_host::entry {
  // Declaration order is destruction order reversed: the lease goes before the library.
  std::unique_ptr<plugin_library> library;
  std::shared_ptr<actor_lease> lease;
};

namespace {

/// Routes every spawn through the lease, so that unload knows when the plugin's actors are gone.
void lease_factories(domain::domain_descriptor& d, const std::shared_ptr<actor_lease>& lease) {
  for (auto& t : d.agents) {
    auto inner = std::move(t.spawn);
    t.spawn = [inner, lease](caf::actor_system& sys, agent::agent_instance cfg) {
      auto a = inner(sys, std::move(cfg));
      if (a)
        lease->track(a);
      return a;
    };
  }
}

} // namespace

plugin_host::plugin_host(domain::domain_catalog& catalog, std::vector<std::string> dirs)
  : catalog_(catalog), dirs_(std::move(dirs)) {
  // nop
}

plugin_host::~plugin_host() {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& [key, e] : plugins_) {
    catalog_.remove(e->library->info().name, e->library->info().version);
    if (e->lease->wait_released(std::chrono::milliseconds{0}) > 0)
      e->library->keep_mapped(); // actors outlive the host (a test's system still runs)
    e->lease->clear();
  }
  plugins_.clear();
}

caf::expected<plugin_info> plugin_host::load(const std::string& spec) {
  auto path = resolve_plugin_path(spec, dirs_);
  if (!path)
    return std::move(path.error());
  auto lib = plugin_library::open(*path);
  if (!lib)
    return std::move(lib.error());
  auto& info = (*lib)->info();
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& [key, e] : plugins_) {
    auto& other = e->library->info();
    if (other.name == info.name && agent::major_of(other.version) == agent::major_of(info.version))
      return caf::make_error(plugin_errc::duplicate,
                             "plugin " + info.path + ": domain " + info.name + " " + info.version
                               + " is already loaded as " + other.name + " " + other.version
                               + " from " + other.path);
  }
  for (auto& d : catalog_.list())
    if (d->name == info.name && agent::major_of(d->version) == agent::major_of(info.version))
      return caf::make_error(plugin_errc::duplicate, "plugin " + info.path + ": domain "
                                                       + info.name + " " + info.version
                                                       + " is already registered on this node as "
                                                       + d->name + " " + d->version);
  auto e = std::make_unique<entry>();
  e->lease = std::make_shared<actor_lease>();
  {
    auto d = (*lib)->init();
    if (!d)
      return std::move(d.error());
    lease_factories(*d, e->lease);
    if (auto err = catalog_.add(std::move(*d)))
      return caf::make_error(plugin_errc::init_failed, "plugin " + info.path + ": "
                                                         + message_of(err));
  }
  auto out = info;
  e->library = std::move(*lib);
  plugins_.emplace(out.name + "@" + out.version, std::move(e));
  spdlog::debug("plugin {} loaded: domain {} {} ({})", out.path, out.name, out.version,
               out.build_info);
  return out;
}

caf::error plugin_host::unload(const std::string& name, const std::string& version,
                               std::chrono::milliseconds grace) {
  std::unique_ptr<entry> e;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = plugins_.find(name + "@" + version);
    if (i == plugins_.end())
      return caf::make_error(plugin_errc::not_loaded,
                             "no plugin provides domain " + name + " " + version);
    e = std::move(i->second);
    plugins_.erase(i);
  }
  catalog_.remove(name, version);
  auto& info = e->library->info();
  if (auto left = e->lease->wait_released(grace); left > 0) {
    spdlog::warn("plugin {}: {} actor(s) of domain {} {} are still referenced after {} ms; the "
                 "library stays mapped", info.path, left, name, version, grace.count());
    e->library->keep_mapped();
  }
  e->lease->clear();
  spdlog::info("plugin {} unloaded: domain {} {}", info.path, name, version);
  return {};
}

std::vector<plugin_info> plugin_host::loaded() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<plugin_info> out;
  for (auto& [key, e] : plugins_)
    out.push_back(e->library->info());
  return out;
}

const plugin_info* plugin_host::find(const std::string& name, const std::string& version) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = plugins_.find(name + "@" + version);
  return i != plugins_.end() ? &i->second->library->info() : nullptr;
}

} // namespace smith::plugin
