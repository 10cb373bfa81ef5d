// Internal: a supervisor's children by id, as a flat open-addressing table of their indexes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smith::supervision::internal {

struct child_record;

/// Finds a child's position in its supervisor's children by its id in O(1). Holds no ids: a
/// slot holds index + 1 (0 = empty) and lookups compare against the children's own ids, so
/// the table costs 8-16 bytes per child and no allocation per child (a node-based set costs
/// 32 with its allocation header). Linear probing, at most half full. Up to 2^32 - 2 children.
class child_id_index {
public:
  /// Indexes the records in `*children` (not owned; must outlive the index).
  explicit child_id_index(const std::vector<child_record>* children) : children_(children) {}

  /// Room for `n` children without growing.
  void reserve(size_t n);
  /// The index of the child named `id`, if any.
  std::optional<size_t> find(std::string_view id) const;
  /// Adds children[index], whose id must not be indexed yet.
  void insert(size_t index);
  /// Forgets the child at `index` and renumbers the later ones (index - 1), for a child erased
  /// from the vector. Call it before the erase: it reads the erased child's id.
  void erase(size_t index);
  size_t size() const noexcept { return size_; }

private:
  std::string_view id_of(uint32_t slot_value) const;
  size_t home(std::string_view id) const noexcept;
  /// Doubles the table (or makes it) and re-inserts every entry.
  void grow(size_t min_capacity);
  void place(uint32_t slot_value);

  const std::vector<child_record>* children_;
  std::vector<uint32_t> slots_; // capacity: 0 or a power of two
  size_t size_ = 0;
};

} // namespace smith::supervision::internal
