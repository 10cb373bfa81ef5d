// Admin verb `events`: the history persisted in the node's event store, merged with the live one.
#include <cstdlib>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/admin/admin_locate.hpp"
#include "runtime/agent/journal.hpp"
#include "runtime/supervision/decision_journal.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;

namespace {

/// Transitions recorded this close to a live one with the same states and reason are it.
constexpr int64_t history_same_transition_ns = 250'000'000;

v1::Event history_event(const char* source, std::string kind, std::string reason,
                        uint64_t incarnation, int64_t wall_ns, int64_t offset) {
  v1::Event x;
  x.set_source(source);
  x.set_kind(std::move(kind));
  x.set_reason(std::move(reason));
  x.set_incarnation(incarnation);
  x.set_monotonic_ns(wall_ns - offset);
  x.mutable_at()->set_seconds(wall_ns / 1'000'000'000);
  x.mutable_at()->set_nanos(static_cast<int32_t>(wall_ns % 1'000'000'000));
  return x;
}

bool history_is_live_decision(const std::vector<v1::Event>& live,
                              const supervision::supervisor_event& e) {
  for (auto& x : live)
    if (x.source() == "supervisor" && x.monotonic_ns() == e.monotonic_ns
        && x.incarnation() == e.incarnation && x.kind() == supervision::to_string(e.kind)
        && x.reason() == e.reason)
      return true;
  return false;
}

void history_add_decisions(const admin_context& ctx, const located_agent& a, int64_t offset,
                           std::vector<v1::Event>& events) {
  if (a.supervisor_path.empty())
    return;
  auto ds = supervision::decisions_of(*ctx.opts.store, a.supervisor_path, a.record.id.name);
  if (!ds) {
    spdlog::warn("admin events {}: supervisor decisions not readable: {}", a.record.id.name,
                 caf::to_string(ds.error()));
    return;
  }
  auto live = events; // only the live ones are candidates for duplicates
  for (auto& d : *ds)
    if (!history_is_live_decision(live, d.event))
      events.push_back(history_event("supervisor", supervision::to_string(d.event.kind),
                                     d.event.reason, d.event.incarnation,
                                     d.unix_ms * 1'000'000, offset));
}

/// The index of the untaken transition in `recorded` that is live event `live` (whose
/// monotonic_ns holds its wall time here): same states and reason, closest in time within
/// the tolerance; -1 if none.
long history_match(const std::vector<agent::lifecycle_transition>& recorded,
                   const std::vector<bool>& taken, const v1::Event& live) {
  long best = -1;
  int64_t best_gap = history_same_transition_ns + 1;
  auto wall = live.monotonic_ns();
  for (size_t i = 0; i < recorded.size(); ++i) {
    auto& r = recorded[i];
    if (taken[i] || r.reason != live.reason()
        || std::string{agent::to_string(r.from)} + " -> " + agent::to_string(r.to) != live.kind())
      continue;
    auto gap = std::llabs(r.at_ns - wall);
    if (gap < best_gap) {
      best_gap = gap;
      best = static_cast<long>(i);
    }
  }
  return best;
}

void history_add_transitions(const admin_context& ctx, const located_agent& a, int64_t offset,
                             std::vector<v1::Event>& events) {
  auto key = agent::journal_key(a.record.id.domain, a.record.id.name);
  auto ts = agent::recorded_lifecycle(*ctx.opts.store, key);
  if (!ts) {
    spdlog::warn("admin events {}: lifecycle history not readable: {}", key,
                 caf::to_string(ts.error()));
    return;
  }
  std::vector<bool> taken(ts->size(), false);
  for (auto& x : events) {
    if (x.source() != "lifecycle")
      continue;
    auto shifted = x;
    shifted.set_monotonic_ns(x.monotonic_ns() + offset);
    if (auto i = history_match(*ts, taken, shifted); i >= 0)
      taken[static_cast<size_t>(i)] = true;
  }
  for (size_t i = 0; i < ts->size(); ++i) {
    auto& t = (*ts)[i];
    if (!taken[i])
      events.push_back(history_event(
        "lifecycle", std::string{agent::to_string(t.from)} + " -> " + agent::to_string(t.to),
        t.reason, 0, t.at_ns, offset));
  }
}

} // namespace

void merge_persisted_history(const admin_context& ctx, const located_agent& a,
                             int64_t wall_offset_ns, std::vector<v1::Event>& events) {
  if (!ctx.opts.store)
    return;
  history_add_decisions(ctx, a, wall_offset_ns, events);
  history_add_transitions(ctx, a, wall_offset_ns, events);
}

} // namespace smith::actors::admin_impl
