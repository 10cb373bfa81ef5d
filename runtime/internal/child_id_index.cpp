// A supervisor's id index: open addressing over the children's own ids.
#include "runtime/internal/child_id_index.hpp"

#include <algorithm>
#include <functional>

#include "runtime/internal/supervisor_state.hpp"

namespace smith::supervision::internal {

namespace {

/// The smallest power of two (at least 16) that keeps `n` entries at most half full.
size_t child_id_index_capacity_for(size_t n) {
  size_t c = 16;
  while (c < 2 * n)
    c *= 2;
  return c;
}

} // namespace

void child_id_index::reserve(size_t n) {
  auto cap = child_id_index_capacity_for(n);
  if (cap > slots_.size())
    grow(cap);
}

std::optional<size_t> child_id_index::find(std::string_view id) const {
  if (slots_.empty())
    return std::nullopt;
  auto mask = slots_.size() - 1;
  for (auto i = home(id);; i = (i + 1) & mask) {
    auto v = slots_[i];
    if (v == 0)
      return std::nullopt;
    if (id_of(v) == id)
      return v - 1;
  }
}

void child_id_index::insert(size_t index) {
  if (2 * (size_ + 1) > slots_.size())
    grow(std::max<size_t>(16, slots_.size() * 2));
  place(static_cast<uint32_t>(index + 1));
  ++size_;
}

void child_id_index::erase(size_t index) {
  auto gone = static_cast<uint32_t>(index + 1);
  auto mask = slots_.size() - 1;
  auto i = home(id_of(gone));
  while (slots_[i] != gone)
    i = (i + 1) & mask;
  // Backward-shift deletion: pull later entries of the probe run into the hole unless their
  // home lies cyclically in (hole, their slot].
  for (auto j = (i + 1) & mask; slots_[j] != 0; j = (j + 1) & mask) {
    auto k = home(id_of(slots_[j]));
    bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays)
      continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = 0;
  --size_;
  for (auto& v : slots_) // the children after the erased one move down by one
    if (v > gone)
      --v;
}

std::string_view child_id_index::id_of(uint32_t slot_value) const {
  return (*children_)[slot_value - 1].id;
}

size_t child_id_index::home(std::string_view id) const noexcept {
  return std::hash<std::string_view>{}(id) & (slots_.size() - 1);
}

void child_id_index::grow(size_t capacity) {
  std::vector<uint32_t> old(capacity, 0);
  old.swap(slots_);
  for (auto v : old)
    if (v != 0)
      place(v);
}

void child_id_index::place(uint32_t slot_value) {
  auto mask = slots_.size() - 1;
  auto i = home(id_of(slot_value));
  while (slots_[i] != 0)
    i = (i + 1) & mask;
  slots_[i] = slot_value;
}

} // namespace smith::supervision::internal
