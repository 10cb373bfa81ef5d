// The registry index: discovery, least-loaded choice and listing.
#include "runtime/registry/capability_index.hpp"

#include <algorithm>

namespace smith::registry {

namespace {

const capability_info* capability_of(const agent_record& r, const std::string& name) {
  for (auto& c : r.capabilities)
    if (c.name == name)
      return &c;
  return nullptr;
}

bool metadata_matches(const capability_info& c, const std::map<std::string, std::string>& want) {
  for (auto& [k, v] : want) {
    auto i = c.metadata.find(k);
    if (i == c.metadata.end() || i->second != v)
      return false;
  }
  return true;
}

/// Records a discover prefetches before copying any: the first ones it will
/// visit are cold at a million agents, and fetching them together overlaps the misses.
constexpr size_t prefetch_records = 32;

void prefetch_record(const agent_record& r) {
  auto* p = reinterpret_cast<const char*>(&r);
  for (size_t off = 0; off < sizeof(agent_record); off += 64)
    __builtin_prefetch(p + off);
}

/// Where copying `r` out goes next: its capabilities' heap block.
void prefetch_heap(const agent_record& r) {
  __builtin_prefetch(r.capabilities.data());
}

/// Candidates whose ranking fields find_healthy prefetches up front.
constexpr size_t prefetch_candidates = 512;

/// Issues the lists' misses level by level (chunk table, chunks, hot fields),
/// so that the misses of many small version groups overlap.
void prefetch_levels(const std::vector<const slot_list*>& lists) {
  for (auto* l : lists)
    l->prefetch_chunks();
  for (auto* l : lists)
    l->prefetch_slots();
  size_t budget = prefetch_candidates;
  for (auto* l : lists)
    budget -= l->prefetch_hot(budget);
}

hot_info hot_of_slot(const slot_list::slot& s) {
  return s.hot != nullptr ? *s.hot : record_slab::hot_of(*s.record);
}

/// find_healthy's order: healthy before degraded, then the lower load.
std::pair<int, uint64_t> rank_of(const hot_info& h) {
  return {h.health_ == health::healthy ? 0 : 1, h.load};
}

bool selectable(const hot_info& h) {
  return h.health_ != health::down && h.state == agent::lifecycle_state::active;
}

/// The first selectable slot of the lowest rank in `l` (null if none).
const slot_list::slot* lowest_ranked(const slot_list& l) {
  const slot_list::slot* out = nullptr;
  std::pair<int, uint64_t> best;
  l.for_each_run([&](const slot_list::slot* first, const slot_list::slot* last) {
    for (auto* s = first; s != last; ++s)
      if (auto h = hot_of_slot(*s); selectable(h) && (out == nullptr || rank_of(h) < best)) {
        out = s;
        best = rank_of(h);
      }
    return true;
  });
  return out;
}

} // namespace

size_t capability_index::discover(const discover_query& q, const agent::version_range* range,
                                  const std::function<bool(const agent_record&)>& visit) const {
  auto b = by_capability_.find(q.capability);
  if (b == by_capability_.end())
    return 0;
  // Pass 1: the range once per distinct version; without a metadata filter the
  // total comes from the group counts, and the first records get prefetched.
  std::vector<const capability_bucket::group*> hits;
  size_t matches = 0;
  size_t budget = std::min<size_t>(q.limit == 0 ? 100 : q.limit, prefetch_records);
  size_t covered = 0;
  size_t first_groups = 0;
  for (auto& g : b->second.groups()) {
    if (range != nullptr && !range->matches(g.version))
      continue;
    hits.push_back(&g);
    if (q.metadata.empty())
      matches += g.slots.size() - (q.include_unhealthy ? 0 : g.down);
    if (covered < budget) { // a group that holds one of the first records
      g.slots.prefetch_chunks();
      covered += g.slots.size();
      ++first_groups;
    }
  }
  for (size_t k = 0; k < first_groups; ++k)
    hits[k]->slots.prefetch_slots();
  for (auto* g : hits) {
    if (budget == 0)
      break;
    g->slots.for_each([&](const agent_record& rec) {
      prefetch_record(rec);
      return --budget > 0;
    });
  }
  // The copies read each record's capabilities from the heap: fetch those
  // blocks together too, now that the first records are on their way.
  budget = std::min<size_t>(q.limit == 0 ? 100 : q.limit, prefetch_records);
  for (auto* g : hits) {
    if (budget == 0)
      break;
    g->slots.for_each([&](const agent_record& rec) {
      prefetch_heap(rec);
      return --budget > 0;
    });
  }
  // Pass 2: visit in order. Records are touched only up to the limit, unless
  // metadata must be checked on every candidate to count the matches.
  auto eligible = [&](const agent_record& rec) {
    return q.include_unhealthy || rec.health_ != health::down;
  };
  bool more = true;
  for (auto* g : hits) {
    if (q.metadata.empty()) {
      if (!more)
        break;
      g->slots.for_each([&](const agent_record& rec) {
        if (eligible(rec))
          more = visit(rec);
        return more;
      });
      continue;
    }
    g->slots.for_each([&](const agent_record& rec) {
      if (eligible(rec) && metadata_matches(*capability_of(rec, q.capability), q.metadata)) {
        ++matches;
        if (more)
          more = visit(rec);
      }
      return true;
    });
  }
  return matches;
}

const agent_record* capability_index::find_healthy(const std::string& capability,
                                                   const agent::version_range* range,
                                                   bool round_robin) {
  auto b = by_capability_.find(capability);
  if (b == by_capability_.end())
    return nullptr;
  auto& bk = b->second;
  using slot = slot_list::slot;
  auto hot = hot_of_slot;
  auto rank = rank_of; // then the tie-break
  auto better_tie = [&](const slot& x, const slot& y) {
    if (!round_robin && x.prefix != y.prefix)
      return x.prefix < y.prefix; // the records stay untouched
    auto& xi = x.record->id.instance;
    auto& yi = y.record->id.instance;
    if (!round_robin)
      return xi < yi;
    bool xa = xi > bk.last_pick; // candidates after the cursor come first, in order
    bool ya = yi > bk.last_pick;
    return xa != ya ? xa : xi < yi;
  };
  const slot* best = nullptr;
  hot_info best_hot;
  auto consider = [&](const slot& s) {
    auto h = hot(s);
    if (!selectable(h))
      return;
    if (best == nullptr || rank(h) < rank(best_hot)
        || (rank(h) == rank(best_hot) && better_tie(s, *best))) {
      best = &s;
      best_hot = h;
    }
  };
  std::vector<const slot_list*> lists;
  for (auto& g : bk.groups())
    if (g.down < g.slots.size() && (range == nullptr || range->matches(g.version)))
      lists.push_back(&g.slots); // down agents are never chosen
  prefetch_levels(lists);
  if (round_robin) {
    for (auto* l : lists)
      l->for_each_run([&](const slot* first, const slot* last) {
        for (auto* s = first; s != last; ++s)
          consider(*s);
        return true;
      });
  } else {
    // A list is in instance order, so its first slot of the lowest rank wins
    // it without comparing ids; only the winners of the lists compare ids, and
    // their records (for ids with equal 8-byte prefixes) are fetched together.
    std::vector<const slot*> winners;
    for (auto* l : lists)
      if (auto* w = lowest_ranked(*l))
        winners.push_back(w);
    for (auto* w : winners)
      __builtin_prefetch(&w->record->id.instance);
    for (auto* w : winners)
      consider(*w);
  }
  if (best == nullptr)
    return nullptr;
  if (round_robin)
    bk.last_pick = best->record->id.instance;
  return best->record;
}

void capability_index::for_each(const record_filter& f,
                                const std::function<void(const agent_record&)>& fn) const {
  if (!f.capability.empty()) {
    auto b = by_capability_.find(f.capability);
    if (b == by_capability_.end())
      return;
    for (auto& g : b->second.groups())
      g.slots.for_each([&](const agent_record& rec) {
        if (matches(f, rec))
          fn(rec);
        return true;
      });
    return;
  }
  for (auto& kvp : by_instance_)
    if (auto& rec = slab_.record(kvp.second); matches(f, rec))
      fn(rec);
}

} // namespace smith::registry
