// Block storage for registry records.
#include "runtime/registry/record_slab.hpp"

#include <sys/mman.h>

#include <limits>
#include <new>
#include <utility>

namespace smith::registry {

namespace {

constexpr size_t huge_page = size_t{2} << 20;

size_t round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

} // namespace

record_slab::~record_slab() {
  std::vector<bool> is_free(used_, false);
  for (auto id : free_)
    is_free[id] = true;
  for (size_t id = 0; id < used_; ++id)
    if (!is_free[id])
      record(static_cast<slot_id>(id)).~agent_record();
  for (auto& b : blocks_)
    munmap(b.base, b.bytes);
}

hot_info record_slab::hot_of(const agent_record& r) noexcept {
  auto sum = r.load.mailbox_depth + r.load.in_flight;
  if (sum < r.load.mailbox_depth)
    sum = std::numeric_limits<uint64_t>::max();
  return hot_info{sum, r.health_, r.state};
}

void record_slab::add_block() {
  auto hot_bytes = round_up(block_slots * sizeof(hot_info), alignof(agent_record));
  auto bytes = block_bytes;
  static_assert(block_bytes % huge_page == 0);
  // Over-map by one huge page so the block can start on a huge-page boundary.
  auto* raw = mmap(nullptr, bytes + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
  if (raw == MAP_FAILED)
    throw std::bad_alloc{};
  auto addr = reinterpret_cast<uintptr_t>(raw);
  auto aligned = round_up(addr, huge_page);
  if (aligned > addr)
    munmap(raw, aligned - addr);
  auto tail = aligned + bytes;
  if (auto extra = addr + bytes + huge_page - tail; extra > 0)
    munmap(reinterpret_cast<void*>(tail), extra);
  auto* base = reinterpret_cast<void*>(aligned);
  // A small registry stays in 4 KB pages (a huge page would be mostly empty);
  // past the first block the records are many and walked at random.
  if (!blocks_.empty())
    madvise(base, bytes, MADV_HUGEPAGE);
  auto* bytes_at = static_cast<char*>(base);
  blocks_.push_back(block{base, bytes, reinterpret_cast<hot_info*>(bytes_at),
                          reinterpret_cast<agent_record*>(bytes_at + hot_bytes)});
}

record_slab::slot_id record_slab::emplace(agent_record&& r) {
  slot_id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    if (used_ == blocks_.size() * block_slots)
      add_block();
    id = static_cast<slot_id>(used_++);
  }
  auto h = hot_of(r);
  new (&record(id)) agent_record(std::move(r));
  hot(id) = h;
  ++size_;
  return id;
}

void record_slab::erase(slot_id id) {
  record(id).~agent_record();
  free_.push_back(id);
  --size_;
}

} // namespace smith::registry
