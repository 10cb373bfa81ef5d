// The process-wide table of agent meters.
#include "runtime/agent/agent_meters.hpp"

#include <algorithm>
#include <map>
#include <mutex>
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
  /// One (domain, type): its live meters (an intrusive list) and what gone ones counted.
  struct meter_group {
    mutable std::mutex mtx;
    agent_meter* head = nullptr;
    agent_type_totals gone;
  };
  /// The group `domain`/`type`, made on first use; groups are never removed, so the
  /// pointer stays valid.
  meter_group* group(const std::string& domain, const std::string& type);

  mutable std::mutex mtx; // guards `groups` (the map, not the groups' lists)
  std::map<std::pair<std::string, std::string>, meter_group> groups;
};

agent_meters::impl::meter_group* agent_meters::impl::group(const std::string& domain,
                                                           const std::string& type) {
  // A pool's agents start one after another on the same thread: most lookups hit here.
  thread_local struct {
    std::string domain;
    std::string type;
    meter_group* group = nullptr;
  } last;
  if (last.group && last.domain == domain && last.type == type)
    return last.group;
  std::lock_guard<std::mutex> guard{mtx};
  auto [i, fresh] = groups.try_emplace({domain, type});
  if (fresh) {
    i->second.gone.domain = domain;
    i->second.gone.type = type;
  }
  last.domain = domain;
  last.type = type;
  last.group = &i->second;
  return last.group;
}

agent_meters::agent_meters() : impl_(std::make_unique<impl>()) {
  // nop
}

agent_meters::~agent_meters() = default;

agent_meters& agent_meters::instance() {
  static agent_meters table; // never destroyed before the agents: they run inside main
  return table;
}

void agent_meters::attach(agent_meter& m, const std::string& domain, const std::string& type) {
  auto* g = impl_->group(domain, type);
  std::lock_guard<std::mutex> guard{g->mtx};
  m.attached_ = true;
  m.prev_ = nullptr;
  m.next_ = g->head;
  if (g->head)
    g->head->prev_ = &m;
  g->head = &m;
}

void agent_meters::detach(agent_meter& m, const std::string& domain, const std::string& type) {
  if (!m.attached_) // only its agent detaches it: no race with attach
    return;
  auto* g = impl_->group(domain, type);
  std::lock_guard<std::mutex> guard{g->mtx};
  meter_add(g->gone, m);
  if (m.prev_)
    m.prev_->next_ = m.next_;
  else
    g->head = m.next_;
  if (m.next_)
    m.next_->prev_ = m.prev_;
  m.prev_ = m.next_ = nullptr;
  m.attached_ = false;
}

void agent_meters::count_transition(lifecycle_state to) noexcept {
  transitions_[static_cast<size_t>(to) % transitions_.size()].fetch_add(
    1, std::memory_order_relaxed);
}

std::vector<agent_type_totals> agent_meters::totals() const {
  std::vector<agent_type_totals> out;
  std::lock_guard<std::mutex> guard{impl_->mtx};
  for (auto& [key, g] : impl_->groups) {
    std::lock_guard<std::mutex> group_guard{g.mtx};
    auto t = g.gone;
    for (auto* m = g.head; m != nullptr; m = m->next_) {
      meter_add(t, *m);
      uint64_t depth = m->queued.load(std::memory_order_relaxed);
      t.mailbox_depth += depth;
      t.mailbox_depth_max = std::max(t.mailbox_depth_max, depth);
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
