// The node as the admin service's domain manager (smithctl domains / domain load|unload).
#include "actors/node/node.hpp"

namespace smith::actors {

namespace {

admin_domain to_admin(const domain_info& d, const domain::domain_catalog& catalog) {
  admin_domain out;
  out.name = d.name;
  out.version = d.version;
  out.source = d.plugin_path.empty() ? std::string{"builtin"} : d.plugin_path;
  out.state = to_string(d.state);
  out.agents = static_cast<uint32_t>(d.agents);
  out.error = d.error;
  if (auto* desc = d.version.empty() ? nullptr : catalog.find(d.name, d.version))
    for (auto& t : desc->agents)
      out.agent_types.push_back(t.name);
  return out;
}

} // namespace

admin_hooks node::own_admin_hooks() {
  admin_hooks h;
  h.domains = [this] {
    std::vector<admin_domain> out;
    for (auto& d : domains())
      out.push_back(to_admin(d, catalog_));
    return out;
  };
  h.load_domain = [this](const std::string& spec) -> caf::expected<admin_domain> {
    auto d = load_domain(spec);
    if (!d)
      return std::move(d.error());
    return to_admin(*d, catalog_);
  };
  h.unload_domain = [this](const std::string& name, const std::string& version_or_range,
                           std::chrono::milliseconds deadline) {
    return unload_domain(name, version_or_range, deadline);
  };
  return h;
}

} // namespace smith::actors
