// Which ADR-32 endpoints a node serves, from its registry records and the domain catalog.
#include "actors/bridge/service_endpoints.hpp"

#include <algorithm>
#include <tuple>

#include <google/protobuf/descriptor.h>

#include "runtime/agent/agent_type.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/domain/domain_catalog.hpp"

namespace smith::actors {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
         || c == '_';
}

/// "name@version,..." in registration order; an empty capability version is `fallback`'s.
template <class Caps>
std::string capability_list(const Caps& caps, const std::string& fallback) {
  std::string out;
  for (auto& c : caps) {
    if (!out.empty())
      out += ',';
    out += c.name + '@' + (c.version.empty() ? fallback : c.version);
  }
  return out;
}

/// The fields every endpoint of one agent or pool shares.
struct endpoint_owner {
  std::string domain;
  std::string name;
  std::string queue;
  std::map<std::string, std::string> metadata;
};

void add_endpoints(const endpoint_owner& owner, const agent::endpoint_table& table,
                   std::vector<service_endpoint>& out) {
  for (auto& ep : table.endpoints) {
    auto subject = bridge::agent_subject(owner.domain, owner.name, ep.action);
    if (!subject)
      continue; // the bridge cannot subscribe to it either
    service_endpoint se;
    se.name = endpoint_name(owner.domain + "-" + owner.name + "-" + ep.action);
    se.subject = std::move(*subject);
    se.queue_group = owner.queue;
    se.metadata = owner.metadata;
    se.metadata["action"] = ep.action;
    se.metadata["request_type"] = ep.request_type ? ep.request_type->full_name() : "";
    se.metadata["response_type"] = ep.response_type ? ep.response_type->full_name() : "";
    out.push_back(std::move(se));
  }
}

void add_agent(const std::string& node, const registry::agent_record& r,
               const domain::domain_catalog& catalog, std::vector<service_endpoint>& out) {
  if (r.node != node)
    return;
  auto* type = catalog.find_agent(r.id.domain, r.agent_type, r.id.version);
  if (!type || !type->endpoints)
    return;
  endpoint_owner owner{r.id.domain, r.id.name, {}, {}};
  owner.metadata = {{"domain", r.id.domain},
                    {"agent", r.id.name},
                    {"agent_type", r.agent_type},
                    {"agent_version", r.id.version},
                    {"capabilities", capability_list(r.capabilities, r.id.version)},
                    {"instance", r.id.instance},
                    {"node", node}};
  add_endpoints(owner, *type->endpoints, out);
}

void add_pool(const std::string& node, const service_pool& p,
              const domain::domain_catalog& catalog, std::vector<service_endpoint>& out) {
  auto* type = catalog.find_agent(p.domain, p.agent_type);
  auto queue = bridge::queue_group(p.domain, p.pool);
  if (!type || !type->endpoints || !queue)
    return;
  endpoint_owner owner{p.domain, p.pool, std::move(*queue), {}};
  owner.metadata = {{"domain", p.domain},
                    {"pool", p.pool},
                    {"agent_type", p.agent_type},
                    {"agent_version", type->version},
                    {"capabilities", capability_list(type->capabilities, type->version)},
                    {"node", node}};
  add_endpoints(owner, *type->endpoints, out);
}

} // namespace

std::string endpoint_name(std::string_view text) {
  if (text.empty())
    return "_";
  std::string out{text};
  for (auto& c : out)
    if (!name_char(c))
      c = '_';
  return out;
}

std::vector<service_endpoint> describe_endpoints(const std::string& node,
                                                 const std::vector<registry::agent_record>& records,
                                                 const domain::domain_catalog& catalog,
                                                 const std::vector<service_pool>& pools) {
  std::vector<service_endpoint> out;
  for (auto& r : records)
    add_agent(node, r, catalog, out);
  for (auto& p : pools)
    add_pool(node, p, catalog, out);
  std::sort(out.begin(), out.end(), [](const service_endpoint& x, const service_endpoint& y) {
    return std::tie(x.subject, x.name) < std::tie(y.subject, y.name);
  });
  return out;
}

} // namespace smith::actors
