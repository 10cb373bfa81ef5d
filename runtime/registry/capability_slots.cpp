// Chunked, instance-ordered candidate lists.
#include "runtime/registry/capability_slots.hpp"

#include <algorithm>

namespace smith::registry {

namespace {

/// Whether slot `s` orders before the instance id (`prefix`, `instance`);
/// only equal prefixes need the record's full id.
bool before(const slot_list::slot& s, uint64_t prefix, const std::string& instance) {
  if (s.prefix != prefix)
    return s.prefix < prefix;
  return s.record->id.instance < instance;
}

} // namespace

uint64_t slot_list::prefix_of(const std::string& instance) noexcept {
  uint64_t out = 0;
  for (size_t i = 0; i < 8; ++i)
    out = (out << 8) | (i < instance.size() ? static_cast<unsigned char>(instance[i]) : 0u);
  return out;
}

size_t slot_list::chunk_for(uint64_t prefix, const std::string& instance) const {
  // The first chunk whose last slot does not order before the id; else the last chunk.
  size_t lo = 0;
  size_t hi = chunks_.size() - 1;
  while (lo < hi) {
    auto mid = lo + (hi - lo) / 2;
    if (before(chunks_[mid].back(), prefix, instance))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void slot_list::insert(agent_record* r, const hot_info* hot) {
  auto prefix = prefix_of(r->id.instance);
  ++size_;
  if (chunks_.empty()) {
    chunks_.emplace_back().push_back(slot{prefix, r, hot});
    return;
  }
  auto ci = chunk_for(prefix, r->id.instance);
  auto& c = chunks_[ci];
  auto pos = std::partition_point(c.begin(), c.end(), [&](const slot& s) {
    return before(s, prefix, r->id.instance);
  });
  c.insert(pos, slot{prefix, r, hot});
  if (c.size() <= chunk_max)
    return;
  // Split a full chunk in half; only the chunk headers after it move.
  chunk upper(c.begin() + static_cast<std::ptrdiff_t>(c.size() / 2), c.end());
  c.resize(c.size() / 2);
  chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(ci) + 1, std::move(upper));
}

bool slot_list::erase(const agent_record* r) {
  if (chunks_.empty())
    return false;
  auto prefix = prefix_of(r->id.instance);
  auto ci = chunk_for(prefix, r->id.instance);
  auto& c = chunks_[ci];
  auto pos = std::partition_point(c.begin(), c.end(), [&](const slot& s) {
    return before(s, prefix, r->id.instance);
  });
  if (pos == c.end() || pos->record != r)
    return false;
  c.erase(pos);
  --size_;
  if (c.empty())
    chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(ci));
  else
    merge_if_small(ci); // with the next chunk
  if (ci > 0)
    merge_if_small(ci - 1); // with the previous one, or with the next after a removal
  return true;
}

void slot_list::merge_if_small(size_t a) {
  // Keeps every two neighbours more than half a chunk together, so walks stay dense.
  if (a + 1 >= chunks_.size() || chunks_[a].size() + chunks_[a + 1].size() > chunk_max / 2)
    return;
  auto& into = chunks_[a];
  auto& from = chunks_[a + 1];
  into.insert(into.end(), from.begin(), from.end());
  chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(a) + 1);
}

} // namespace smith::registry
