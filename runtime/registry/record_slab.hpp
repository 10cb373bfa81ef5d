// Stable, compact storage for the registry's records and the hot fields find_healthy ranks by.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/agent/lifecycle.hpp"
#include "runtime/registry/agent_record.hpp"

namespace smith::registry {

/// What find_healthy ranks a candidate by, kept apart from the record so a
/// ranking walk reads 16 dense bytes per candidate instead of cold records.
/// The index keeps it equal to the record's health, state and load.
struct hot_info {
  /// mailbox_depth + in_flight (saturating).
  uint64_t load = 0;
  health health_ = health::healthy;
  agent::lifecycle_state state = agent::lifecycle_state::active;
};

/// Records in large blocks of fixed-size slots, each with its hot_info in a
/// dense array next to it. A record keeps its address until erased (the
/// capability lists point at it); freed slots are reused. Blocks after the
/// first are advised to use transparent huge pages, so walks over a million
/// records do not pay a TLB miss per record. Single-threaded; not copyable.
class record_slab {
public:
  using slot_id = uint32_t;

  record_slab() = default;
  ~record_slab();
  record_slab(const record_slab&) = delete;
  record_slab& operator=(const record_slab&) = delete;

  /// Moves `r` into a free slot and returns its id; its hot_info is set from `r`.
  slot_id emplace(agent_record&& r);
  /// Destroys the record in `id` and frees the slot. Precondition: `id` is in use.
  void erase(slot_id id);

  agent_record& record(slot_id id) noexcept {
    return blocks_[id / block_slots].records[id % block_slots];
  }
  hot_info& hot(slot_id id) noexcept { return blocks_[id / block_slots].hot[id % block_slots]; }
  const agent_record& record(slot_id id) const noexcept {
    return blocks_[id / block_slots].records[id % block_slots];
  }

  /// Records currently stored.
  size_t size() const noexcept { return size_; }

  /// hot_info as derived from a record's fields.
  static hot_info hot_of(const agent_record& r) noexcept;

private:
  /// A block is 16 MB (8 huge pages, so none is left mostly empty) holding
  /// as many records with their hot_info as fit (~58k).
  static constexpr size_t block_bytes = size_t{16} << 20;
  static constexpr size_t block_slots =
    (block_bytes - alignof(agent_record)) / (sizeof(agent_record) + sizeof(hot_info));

  struct block {
    void* base;
    size_t bytes;
    hot_info* hot;
    agent_record* records;
  };

  void add_block();

  std::vector<block> blocks_;
  std::vector<slot_id> free_;
  size_t used_ = 0; // slots ever handed out (the rest of the last block is fresh)
  size_t size_ = 0;
};

} // namespace smith::registry
