// The registry's per-node bookkeeping.
#include "actors/registry/node_table.hpp"

namespace smith::actors {

using namespace smith::registry;

namespace {

std::string name_key(const std::string& domain, const std::string& name) {
  std::string key;
  key.reserve(domain.size() + name.size() + 1);
  key += domain;
  key += '.';
  key += name;
  return key;
}

} // namespace

void node_table::insert(const agent_record& r) {
  auto& view = nodes_[r.node];
  auto h = digest_hash(r);
  auto [i, added] = view.hashes.emplace(r.id.instance, h);
  if (!added) { // not expected (the index refuses duplicates); stay consistent anyway
    digest_remove(view.digest, i->second);
    i->second = h;
  }
  digest_add(view.digest, h);
  names_[name_key(r.id.domain, r.id.name)][r.node] = r.id.instance;
}

void node_table::erase(const agent_record& r) {
  auto n = nodes_.find(r.node);
  if (n != nodes_.end()) {
    auto i = n->second.hashes.find(r.id.instance);
    if (i != n->second.hashes.end()) {
      digest_remove(n->second.digest, i->second);
      n->second.hashes.erase(i);
    }
    if (n->second.hashes.empty())
      nodes_.erase(n);
  }
  auto k = names_.find(name_key(r.id.domain, r.id.name));
  if (k == names_.end())
    return;
  auto h = k->second.find(r.node);
  if (h != k->second.end() && h->second == r.id.instance)
    k->second.erase(h); // a newer incarnation may hold the name already
  if (k->second.empty())
    names_.erase(k);
}

void node_table::update(const agent_record& r) {
  auto n = nodes_.find(r.node);
  if (n == nodes_.end())
    return;
  auto i = n->second.hashes.find(r.id.instance);
  if (i == n->second.hashes.end())
    return;
  digest_remove(n->second.digest, i->second);
  i->second = digest_hash(r);
  digest_add(n->second.digest, i->second);
}

const node_table::instance_map* node_table::instances(const std::string& node) const {
  auto n = nodes_.find(node);
  return n != nodes_.end() ? &n->second.hashes : nullptr;
}

registry_digest node_table::digest(const std::string& node) const {
  auto n = nodes_.find(node);
  return n != nodes_.end() ? n->second.digest : registry_digest{};
}

const std::string* node_table::holder(const std::string& domain, const std::string& name,
                                      const std::string& node) const {
  auto k = names_.find(name_key(domain, name));
  if (k == names_.end())
    return nullptr;
  auto h = k->second.find(node);
  return h != k->second.end() ? &h->second : nullptr;
}

const std::string* node_table::resolve(const std::string& domain, const std::string& name,
                                       const std::string& preferred) const {
  auto k = names_.find(name_key(domain, name));
  if (k == names_.end() || k->second.empty())
    return nullptr;
  auto h = k->second.find(preferred);
  return h != k->second.end() ? &h->second : &k->second.begin()->second;
}

} // namespace smith::actors
