// Supervisor state: the child table (lookup by id and address, appending specs and groups,
// sharing equal specs, erasing).
#include "runtime/internal/supervisor_state.hpp"

#include <cstddef>
#include <string>
#include <utility>

namespace smith::supervision::internal {

child_record* supervisor_state::find(const std::string& id) {
  auto i = by_id_.find(id);
  return i ? &children_[*i] : nullptr;
}

const child_record* supervisor_state::find(const std::string& id) const {
  return const_cast<supervisor_state*>(this)->find(id);
}

child_record* supervisor_state::find(const caf::actor_addr& addr) {
  if (!addr)
    return nullptr;
  auto i = monitored_.find(addr);
  return i != monitored_.end() ? &children_[i->second] : nullptr;
}

child_record& supervisor_state::append(child_spec spec) {
  children_.push_back(child_record{});
  auto& c = children_.back();
  c.id = std::move(spec.id);
  spec.id.clear();
  c.spec = share_spec(std::move(spec));
  by_id_.insert(children_.size() - 1); // callers checked that the id is new
  return c;
}

void supervisor_state::append_group(child_group g) {
  g.spec.id.clear();
  auto spec = spec_ref{std::move(g.spec)};
  for (auto& id : g.ids) {
    children_.push_back(child_record{});
    auto& c = children_.back();
    c.id = std::move(id);
    c.spec = spec;
    by_id_.insert(children_.size() - 1); // validate() checked that the ids are unique
  }
}

namespace {

/// Whether `x` and `y` (ids aside) start, restart and stop their children alike.
bool supervisor_same_template(const child_spec& x, const child_spec& y) {
  auto& a = x.backoff;
  auto& b = y.backoff;
  return x.template_key && x.template_key == y.template_key && x.reports_exit == y.reports_exit
         && x.restart == y.restart
         && x.shutdown.kind == y.shutdown.kind && x.shutdown.timeout == y.shutdown.timeout
         && x.type == y.type && x.significant == y.significant && a.initial == b.initial
         && a.max == b.max && a.multiplier == b.multiplier && a.jitter == b.jitter
         && a.reset_after == b.reset_after;
}

} // namespace

spec_ref supervisor_state::share_spec(child_spec spec) const {
  // children_.back() is the record being filled in: its predecessor is the candidate.
  if (children_.size() >= 2) {
    auto& prev = children_[children_.size() - 2].spec;
    if (supervisor_same_template(*prev, spec))
      return prev;
  }
  return spec_ref{std::move(spec)};
}

void supervisor_state::set_handle(child_record& c, caf::actor handle) {
  bool monitored = !c.spec->reports_exit;
  if (c.handle && monitored)
    monitored_.erase(c.handle.address());
  c.handle = std::move(handle);
  if (c.handle && monitored)
    monitored_.insert_or_assign(c.handle.address(), static_cast<size_t>(&c - children_.data()));
}

void supervisor_state::erase(std::string id) {
  auto i = by_id_.find(id);
  if (!i)
    return;
  auto gone = *i;
  // Rare (temporary children, delete_child): the index renumbers the shifted tail.
  by_id_.erase(gone); // before the erase: it reads the erased child's id
  children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(gone));
  for (size_t k = gone; k < children_.size(); ++k)
    if (children_[k].handle && !children_[k].spec->reports_exit)
      monitored_[children_[k].handle.address()] = k;
}

} // namespace smith::supervision::internal
