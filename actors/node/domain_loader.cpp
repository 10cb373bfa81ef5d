// Loading plugin domains at boot and at runtime, and listing a node's domains.
#include "actors/node/domain_loader.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/node/domain_loader_internal.hpp"
#include "actors/tree/tree_builder.hpp"
#include "runtime/agent/version_range.hpp"
#include "runtime/domain/domain_binding.hpp"
#include "runtime/plugin/plugin_errc.hpp"

namespace smith::actors {

using plugin::plugin_errc;

const char* to_string(domain_state x) {
  switch (x) {
    case domain_state::running: return "running";
    case domain_state::draining: return "draining";
    case domain_state::failed: return "failed";
  }
  return "unknown";
}

namespace {

/// The config's section for `name` at `version`, or a default one.
config::domain_config section_for(const config::node_config& cfg,
                                  const domain::domain_descriptor& d) {
  for (auto& s : cfg.domains) {
    if (s.name != d.name)
      continue;
    auto range = agent::version_range::parse(s.version);
    if (range && range->matches(d.version))
      return s;
  }
  return domain::default_domain_config(d);
}

/// Checks that the plugin's version is in the section's range.
caf::error check_version(const config::domain_config& d, const plugin::plugin_info& info) {
  if (d.version.empty())
    return {};
  auto range = agent::version_range::parse(d.version);
  if (range && range->matches(info.version))
    return {};
  return caf::make_error(plugin_errc::version_mismatch,
                         d.where + ": plugin " + info.path + " provides " + info.name + " "
                           + info.version + ", the config asks for version '" + d.version + "'");
}

} // namespace

domain_loader::domain_loader(caf::actor_system& sys, const config::node_config& cfg,
                             const domain::domain_catalog& catalog, plugin::plugin_host* host)
  : sys_(sys), cfg_(cfg), catalog_(catalog), host_(host) {
  // nop
}

domain_loader::~domain_loader() = default;

caf::error domain_loader::boot_one(const config::domain_config& d, entry& e) {
  if (host_ == nullptr)
    return caf::make_error(plugin_errc::not_unloadable,
                           d.where + ": this node cannot load plugins (no plugin host)");
  auto info = host_->load(d.plugin);
  if (!info) {
    auto& err = info.error();
    auto code = err.category() == caf::atom("smith_plg") ? static_cast<plugin_errc>(err.code())
                                                          : plugin_errc::init_failed;
    return caf::make_error(code, d.where + ": " + plugin::message_of(err));
  }
  if (auto err = check_version(d, *info)) {
    host_->unload(info->name, info->version, std::chrono::seconds{1});
    return err;
  }
  e.info = {info->name, info->version, info->path, domain_state::running, 0, {}, {}};
  e.from_plugin = true;
  return {};
}

config::node_config domain_loader::load_boot_plugins(const config::node_config& cfg) {
  auto out = cfg;
  out.domains.clear();
  for (auto& d : cfg.domains) {
    if (d.plugin.empty() || find_domain(d, catalog_) != nullptr) {
      out.domains.push_back(d); // linked in (a binary that carries the domain uses its own)
      continue;
    }
    auto e = std::make_unique<entry>();
    if (auto err = boot_one(d, *e)) {
      e->info = {d.name, {}, d.plugin, domain_state::failed, 0, plugin::message_of(err), {}};
      spdlog::error("domain {}: failed to start, the node runs without it: {}", d.name,
                    e->info.error);
    } else {
      out.domains.push_back(d);
    }
    std::lock_guard<std::mutex> guard{mtx_};
    entries_.push_back(std::move(e));
  }
  return out;
}

void domain_loader::started(const config::node_config& cfg, supervision::supervisor_actor root,
                            const supervision::supervisor_options& opts) {
  std::lock_guard<std::mutex> guard{mtx_};
  root_ = std::move(root);
  opts_ = opts;
  for (auto& d : cfg.domains) {
    auto* desc = find_domain(d, catalog_);
    if (desc == nullptr)
      continue; // build_root_spec refused it already
    auto i = std::find_if(entries_.begin(), entries_.end(), [&](auto& e) {
      return e->info.name == desc->name && e->info.version == desc->version;
    });
    if (i == entries_.end()) { // linked into the binary
      entries_.push_back(std::make_unique<entry>());
      i = std::prev(entries_.end());
      (*i)->info = {desc->name, desc->version, {}, domain_state::running, 0, {}, {}};
    }
    (*i)->info.supervisor = domain::domain_child_id(*desc);
    if ((*i)->from_plugin)
      spdlog::info("domain {} {} started from plugin {}", desc->name, desc->version,
                   (*i)->info.plugin_path);
    for (auto& p : domain::bind_domain(d, *desc).pools)
      (*i)->pools.emplace_back(desc->name, p.name);
  }
}

void domain_loader::stopped() {
  std::lock_guard<std::mutex> guard{mtx_};
  root_ = nullptr;
}

caf::expected<domain_info> domain_loader::load(const std::string& spec) {
  std::lock_guard<std::mutex> op{op_mtx_};
  if (host_ == nullptr)
    return caf::make_error(plugin_errc::not_unloadable,
                           "this node cannot load plugins (no plugin host): " + spec);
  if (!root())
    return caf::make_error(plugin_errc::stop_failed, "the node is not running: cannot load "
                                                       + spec);
  auto info = host_->load(spec);
  if (!info)
    return std::move(info.error());
  auto e = std::make_unique<entry>();
  e->info = {info->name, info->version, info->path, domain_state::running, 0, {}, {}};
  e->from_plugin = true;
  auto* desc = catalog_.find(info->name, info->version);
  auto err = desc ? start_domain(*e, section_for(cfg_, *desc), *desc)
                  : caf::make_error(plugin_errc::not_loaded, info->name + " vanished");
  if (err) {
    host_->unload(info->name, info->version, std::chrono::seconds{5});
    return err;
  }
  auto out = e->info;
  // Returns once the new agents answer calls on this node (their routes installed).
  if (auto late = await_serving(out, std::chrono::steady_clock::now() + std::chrono::seconds{10}))
    spdlog::warn("domain {} {} loaded, but {}", out.name, out.version, sys_.render(late));
  out.agents = count_agents(out);
  std::lock_guard<std::mutex> guard{mtx_};
  entries_.push_back(std::move(e));
  spdlog::info("domain {} {} loaded from {}: {} agent(s)", out.name, out.version,
               out.plugin_path, out.agents);
  return out;
}

caf::error domain_loader::start_domain(entry& e, const config::domain_config& section,
                                       const domain::domain_descriptor& desc) {
  if (auto err = domain::check_settings(section, desc))
    return err;
  auto bound = domain::bind_domain(section, desc);
  auto child = domain_child(cfg_, bound, desc, opts_, store_);
  if (!child)
    return std::move(child.error());
  e.info.supervisor = child->id;
  std::vector<service_pool> routes;
  for (auto& p : bound.pools) {
    e.pools.emplace_back(bound.name, p.name);
    routes.push_back({bound.name, p.name, p.agent});
  }
  routes_->add(routes);
  auto started = sync_bridge();
  if (!started) {
    auto hdl = internal::ask<caf::actor>(sys_, root(), std::chrono::seconds{30},
                                         start_child_atom::value, std::move(*child));
    if (!hdl)
      started = std::move(hdl.error());
  }
  if (started) {
    routes_->remove(e.pools);
    sync_bridge();
    return caf::make_error(plugin_errc::start_failed,
                           "domain " + desc.name + " " + desc.version + ": its supervisor "
                             + e.info.supervisor + " did not start: "
                             + supervision::describe_reason(sys_, started));
  }
  return {};
}

std::vector<domain_info> domain_loader::list() const {
  std::vector<domain_info> out;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& e : entries_)
      out.push_back(e->info);
  }
  for (auto& d : out)
    if (d.state != domain_state::failed)
      d.agents = count_agents(d);
  return out;
}

} // namespace smith::actors
