// The candidates of one capability at one version, in instance-id order, stored contiguously.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/registry/agent_record.hpp"
#include "runtime/registry/record_slab.hpp"

namespace smith::registry {

/// Records ordered by instance id (byte-wise ascending), kept in chunks of at
/// most `chunk_max` contiguous slots. Insert and erase cost O(log n) compares
/// plus a shift of one chunk, so a list of a million candidates stays cheap to
/// update; a walk from the front touches one cache line per 2.7 candidates
/// until it reaches the records themselves (find_healthy reads only `hot`).
///
/// The list does not own the records. A record must stay at its address, and
/// keep its instance id, while it is listed.
class slot_list {
public:
  /// Most slots in one chunk (a full chunk splits in two).
  static constexpr size_t chunk_max = 256;

  /// One candidate: the first 8 bytes of its instance id, big-endian and
  /// zero-padded (so integer order agrees with byte order), the record, and
  /// its ranking fields (null when the owner keeps none).
  struct slot {
    uint64_t prefix;
    agent_record* record;
    const hot_info* hot;
  };

  /// Adds `r` (with its ranking fields `hot`, which may be null) in instance
  /// order. Precondition: no listed record has its instance id.
  void insert(agent_record* r, const hot_info* hot = nullptr);
  /// Removes `r` (matched by address); false if it is not listed.
  bool erase(const agent_record* r);

  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// Number of chunks (for tests of the chunking).
  size_t chunk_count() const noexcept { return chunks_.size(); }

  /// Calls `f(agent_record&)` in instance order until it returns false;
  /// returns false if `f` stopped the walk.
  template <class F>
  bool for_each(F&& f) const {
    for (auto& c : chunks_)
      for (auto& s : c)
        if (!f(*s.record))
          return false;
    return true;
  }

  /// Calls `f(const slot* first, const slot* last)` for each contiguous run
  /// of slots in order until it returns false (lets callers prefetch a run).
  template <class F>
  void for_each_run(F&& f) const {
    for (auto& c : chunks_)
      if (!f(c.data(), c.data() + c.size()))
        return;
  }

  /// Prefetch hints, one level of the list each, so that a walk over many
  /// small lists overlaps their cache misses instead of chaining them: first
  /// call prefetch_chunks() on every list, then prefetch_slots() on every
  /// list, then prefetch_hot(budget) (the ranking fields of up to `budget`
  /// slots; returns how many it covered).
  void prefetch_chunks() const noexcept { __builtin_prefetch(chunks_.data()); }
  void prefetch_slots() const noexcept {
    for (auto& c : chunks_)
      __builtin_prefetch(c.data());
  }
  size_t prefetch_hot(size_t budget) const noexcept {
    size_t n = 0;
    for (auto& c : chunks_)
      for (auto& s : c) {
        if (n == budget)
          return n;
        __builtin_prefetch(s.hot != nullptr ? static_cast<const void*>(s.hot) : s.record);
        ++n;
      }
    return n;
  }

  /// The order key of an instance id (see slot).
  static uint64_t prefix_of(const std::string& instance) noexcept;

private:
  using chunk = std::vector<slot>;
  /// The chunk that holds, or would hold, `instance`.
  size_t chunk_for(uint64_t prefix, const std::string& instance) const;
  /// Merges chunks `a` and `a + 1` when both together fit in half a chunk.
  void merge_if_small(size_t a);

  std::vector<chunk> chunks_;
  size_t size_ = 0;
};

} // namespace smith::registry
