// The bridge's directory of local agents.
#include "actors/bridge/local_directory.hpp"

#include <algorithm>

#include <google/protobuf/descriptor.h>

#include "runtime/bridge/wire_code.hpp"

namespace smith::actors {

caf::expected<const agent::endpoint*> endpoint_for(const local_agent& a, const std::string& action,
                                                   const google::protobuf::Descriptor* type) {
  auto* ep = a.endpoints ? a.endpoints->find(action) : nullptr;
  if (!ep)
    return caf::make_error(bridge::wire_code::unknown_action,
                           a.domain + "/" + a.name + " has no action '" + action + "'");
  if (type && type != ep->request_type)
    return caf::make_error(bridge::wire_code::unknown_type,
                           "action '" + action + "' takes " + ep->request_type->full_name()
                             + ", not " + type->full_name());
  return ep;
}

std::string local_directory::key(const std::string& domain, const std::string& name) {
  std::string k;
  k.reserve(domain.size() + name.size() + 1);
  k.append(domain).append(1, '/').append(name);
  return k;
}

void local_directory::add_pool(const std::string& domain, const std::string& pool) {
  pools_.try_emplace(key(domain, pool));
}

std::string local_directory::pool_of(const std::string& domain, const std::string& name) const {
  auto dash = name.rfind('-');
  if (dash == std::string::npos || dash + 1 == name.size())
    return {};
  auto digits = name.substr(dash + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  auto pool = name.substr(0, dash);
  if (pools_.count(key(domain, pool)))
    return pool;
  auto suffix = "-" + node_;
  if (!node_.empty() && pool.size() > suffix.size()
      && pool.compare(pool.size() - suffix.size(), suffix.size(), suffix) == 0) {
    pool.resize(pool.size() - suffix.size());
    if (pools_.count(key(domain, pool)))
      return pool;
  }
  return {};
}

void local_directory::upsert(local_agent a) {
  auto k = key(a.domain, a.name);
  auto pool = pool_of(a.domain, a.name);
  if (!pool.empty()) {
    auto& names = pools_[key(a.domain, pool)].names;
    if (std::find(names.begin(), names.end(), a.name) == names.end())
      names.push_back(a.name);
  }
  agents_.insert_or_assign(std::move(k), std::move(a));
}

bool local_directory::erase(const std::string& domain, const std::string& name,
                            const std::string& instance) {
  auto i = agents_.find(key(domain, name));
  if (i == agents_.end() || i->second.instance != instance)
    return false;
  agents_.erase(i);
  auto pool = pool_of(domain, name);
  if (!pool.empty()) {
    auto& names = pools_[key(domain, pool)].names;
    names.erase(std::remove(names.begin(), names.end(), name), names.end());
  }
  return true;
}

local_agent* local_directory::find(const std::string& domain, const std::string& name) {
  auto i = agents_.find(key(domain, name));
  return i == agents_.end() ? nullptr : &i->second;
}

local_agent* local_directory::pick(const std::string& domain, const std::string& pool) {
  auto p = pools_.find(key(domain, pool));
  if (p == pools_.end() || p->second.names.empty())
    return nullptr;
  auto& members = p->second;
  for (size_t tries = 0; tries < members.names.size(); ++tries) {
    auto& name = members.names[members.next++ % members.names.size()];
    if (auto* a = find(domain, name))
      return a;
  }
  return nullptr;
}

std::vector<local_agent*> local_directory::members(const std::string& domain) {
  std::vector<local_agent*> out;
  for (auto& [k, a] : agents_)
    if (a.domain == domain)
      out.push_back(&a);
  return out;
}

void local_directory::clear() {
  agents_.clear();
  for (auto& [k, p] : pools_)
    p.names.clear();
}

} // namespace smith::actors
