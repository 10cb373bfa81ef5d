// The supervisor's flat id index against a plain model, through inserts, growth and erases.
#include <doctest/doctest.h>

#include <random>

#include "runtime/internal/supervisor_state.hpp"

using smith::supervision::internal::child_id_index;
using smith::supervision::internal::child_record;

namespace {

/// Checks that every child is found at its position and that `absent` ids are not found.
void child_index_check(const child_id_index& idx, const std::vector<child_record>& kids,
                       const std::vector<std::string>& absent) {
  REQUIRE(idx.size() == kids.size());
  for (size_t i = 0; i < kids.size(); ++i) {
    auto at = idx.find(kids[i].id);
    REQUIRE(at);
    CHECK(*at == i);
  }
  for (auto& id : absent)
    CHECK_FALSE(idx.find(id));
}

} // namespace

TEST_CASE("the id index finds every child at its position through growth and erases") {
  std::vector<child_record> kids;
  child_id_index idx{&kids};
  CHECK_FALSE(idx.find("nobody"));
  kids.reserve(3000);
  for (size_t i = 0; i < 3000; ++i) { // no reserve on the index: it grows 16 -> 8192
    kids.push_back(child_record{});
    kids.back().id = std::string{"c"}.append(std::to_string(i)); // GCC 12: no literal + string&&
    idx.insert(kids.size() - 1);
  }
  child_index_check(idx, kids, {"c3000", "", "nobody"});
  std::mt19937 rng{42};
  std::vector<std::string> gone;
  for (int round = 0; round < 400; ++round) { // erases from the front, middle and back
    auto at = std::uniform_int_distribution<size_t>{0, kids.size() - 1}(rng);
    gone.push_back(kids[at].id);
    idx.erase(at);
    kids.erase(kids.begin() + static_cast<std::ptrdiff_t>(at));
    if (round % 50 == 0)
      child_index_check(idx, kids, gone);
  }
  child_index_check(idx, kids, gone);
  for (auto& id : gone) { // erased ids can come back
    kids.push_back(child_record{});
    kids.back().id = id;
    idx.insert(kids.size() - 1);
  }
  child_index_check(idx, kids, {"nobody"});
}

TEST_CASE("the id index stays right while it is emptied from the middle") {
  std::vector<child_record> kids(64);
  child_id_index idx{&kids};
  idx.reserve(8); // the smallest table; it grows to 128 slots for 64 ids
  for (size_t i = 0; i < kids.size(); ++i) {
    kids[i].id = std::string(i % 7 + 1, static_cast<char>('a' + i % 26));
    kids[i].id += std::to_string(i);
    idx.insert(i);
  }
  while (!kids.empty()) {
    auto at = kids.size() / 2;
    auto id = kids[at].id;
    idx.erase(at);
    kids.erase(kids.begin() + static_cast<std::ptrdiff_t>(at));
    child_index_check(idx, kids, {id});
  }
}
