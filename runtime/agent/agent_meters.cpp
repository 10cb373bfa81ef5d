// The process-wide table of agent meters.
#include "runtime/agent/agent_meters.hpp"

#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace smith::agent {

namespace {

/// Adds what `m` counted to `t`.
void meter_add(agent_type_totals& t, const agent_meter& m) {
  t.handled += m.handled.load(std::memory_order_relaxed);
  t.errors += m.errors.load(std::memory_order_relaxed);
  t.rejected_overloaded += m.rejected_overloaded.load(std::memory_order_relaxed);
  t.rejected_draining += m.rejected_draining.load(std::memory_order_relaxed);
}

} // namespace

struct agent_meters::impl {
  /// One (domain, type): live meters and what gone ones counted.
  struct meter_group {
    std::unordered_set<agent_meter*> live;
    agent_type_totals gone;
  };
  mutable std::mutex mtx;
  std::map<std::pair<std::string, std::string>, meter_group> groups;
  /// Which group a live meter belongs to.
  std::unordered_map<agent_meter*, meter_group*> owner;
};

agent_meters::agent_meters() : impl_(std::make_unique<impl>()) {
  // nop
}

agent_meters::~agent_meters() = default;

agent_meters& agent_meters::instance() {
  static agent_meters table; // never destroyed before the agents: they run inside main
  return table;
}

std::unique_ptr<agent_meter> agent_meters::attach(const std::string& domain,
                                                  const std::string& type,
                                                  const std::atomic<size_t>* queued) {
  auto m = std::make_unique<agent_meter>();
  m->queued = queued;
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto& g = impl_->groups[{domain, type}];
  g.gone.domain = domain;
  g.gone.type = type;
  g.live.insert(m.get());
  impl_->owner.emplace(m.get(), &g);
  return m;
}

void agent_meters::detach(agent_meter* m) {
  if (!m)
    return;
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto i = impl_->owner.find(m);
  if (i == impl_->owner.end())
    return;
  meter_add(i->second->gone, *m);
  i->second->live.erase(m);
  impl_->owner.erase(i);
}

void agent_meters::count_transition(lifecycle_state to) noexcept {
  transitions_[static_cast<size_t>(to) % transitions_.size()].fetch_add(
    1, std::memory_order_relaxed);
}

std::vector<agent_type_totals> agent_meters::totals() const {
  std::vector<agent_type_totals> out;
  std::lock_guard<std::mutex> guard{impl_->mtx};
  for (auto& [key, g] : impl_->groups) {
    auto t = g.gone;
    for (auto* m : g.live) {
      meter_add(t, *m);
      auto depth = m->queued ? m->queued->load(std::memory_order_relaxed) : 0;
      t.mailbox_depth += depth;
      t.mailbox_depth_max = std::max<uint64_t>(t.mailbox_depth_max, depth);
      ++t.live_by_state[m->state.load(std::memory_order_relaxed) % t.live_by_state.size()];
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::array<uint64_t, 8> agent_meters::transitions() const noexcept {
  std::array<uint64_t, 8> out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = transitions_[i].load(std::memory_order_relaxed);
  return out;
}

} // namespace smith::agent
