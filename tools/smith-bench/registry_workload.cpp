// Registry benchmark workload and its plain-map baseline.
#include "tools/smith-bench/registry_workload.hpp"

#include <algorithm>

namespace smith::bench {

std::string capability_name(size_t i) {
  return "cap-" + std::to_string(i);
}

std::vector<registry::agent_record> make_records(size_t n, size_t capabilities) {
  std::vector<registry::agent_record> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    registry::agent_record r;
    // Versions vary among one capability's agents (i / capabilities), so that
    // every capability has both 1.x and 2.x candidates.
    auto k = i / capabilities;
    auto version = std::to_string(1 + k % 2) + "." + std::to_string(k / 2 % 10) + ".0";
    r.id = {"bench", "a-" + std::to_string(i), "instance-" + std::to_string(i), version};
    r.capabilities.push_back({capability_name(i % capabilities), {}, {}});
    r.load.mailbox_depth = i * 7919 % 64;
    out.push_back(std::move(r));
  }
  return out;
}

void plain_map::insert(registry::agent_record r) {
  auto key = r.id.instance;
  auto& rec = by_instance_.emplace(std::move(key), std::move(r)).first->second;
  by_capability_[rec.capabilities.front().name].push_back(
    {*agent::parse_semver(rec.id.version), &rec});
}

void plain_map::sort() {
  for (auto& [cap, items] : by_capability_)
    std::sort(items.begin(), items.end(),
              [](const item& x, const item& y) { return x.version > y.version; });
}

std::vector<registry::agent_record> plain_map::discover(const std::string& capability,
                                                        const agent::version_range& range,
                                                        size_t limit) const {
  std::vector<registry::agent_record> out;
  auto i = by_capability_.find(capability);
  if (i == by_capability_.end())
    return out;
  for (auto& it : i->second)
    if (range.matches(it.version) && out.size() < limit)
      out.push_back(*it.record);
  return out;
}

registry::agent_record plain_map::least_loaded(const std::string& capability,
                                               const agent::version_range& range) const {
  const registry::agent_record* best = nullptr;
  auto i = by_capability_.find(capability);
  if (i != by_capability_.end())
    for (auto& it : i->second)
      if (range.matches(it.version)
          && (best == nullptr || it.record->load.mailbox_depth < best->load.mailbox_depth))
        best = it.record;
  return best != nullptr ? *best : registry::agent_record{};
}

} // namespace smith::bench
