// record_slab: stable addresses across blocks, slot reuse, hot fields; and the index keeping
// find_healthy's copy of health, state and load current.
#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include "runtime/registry/capability_index.hpp"
#include "runtime/registry/record_slab.hpp"

using namespace smith;
using namespace smith::registry;

namespace {

agent_record numbered(size_t i) {
  agent_record r;
  r.id = {"tests", "a-" + std::to_string(i), "instance-with-a-long-id-" + std::to_string(i), "1.0.0"};
  r.capabilities.push_back({"work", "", {{"k", std::to_string(i)}}});
  r.load = {i, 1};
  return r;
}

} // namespace

TEST_CASE("record_slab keeps records in place across blocks and reuses freed slots") {
  record_slab slab;
  std::vector<record_slab::slot_id> ids;
  std::vector<const agent_record*> addrs;
  constexpr size_t n = 130'000; // more than two blocks
  for (size_t i = 0; i < n; ++i) {
    ids.push_back(slab.emplace(numbered(i)));
    addrs.push_back(&slab.record(ids.back()));
  }
  CHECK(slab.size() == n);
  for (size_t i = 0; i < n; i += 997) {
    CHECK(&slab.record(ids[i]) == addrs[i]);
    CHECK(slab.record(ids[i]).id.name == "a-" + std::to_string(i));
    CHECK(slab.hot(ids[i]).load == i + 1);
  }
  slab.erase(ids[5]);
  slab.erase(ids[120'000]);
  CHECK(slab.size() == n - 2);
  auto again = slab.emplace(numbered(7));
  CHECK((again == ids[5] || again == ids[120'000]));
  CHECK(slab.record(again).id.name == "a-7");
  CHECK(slab.size() == n - 1);
} // the destructor frees every live record (checked under ASan)

TEST_CASE("hot_of saturates the load sum") {
  agent_record r;
  r.load = {std::numeric_limits<uint64_t>::max(), 2};
  CHECK(record_slab::hot_of(r).load == std::numeric_limits<uint64_t>::max());
  r.health_ = health::degraded;
  r.state = agent::lifecycle_state::draining;
  CHECK(record_slab::hot_of(r).health_ == health::degraded);
  CHECK(record_slab::hot_of(r).state == agent::lifecycle_state::draining);
}

TEST_CASE("find_healthy follows set_load, set_state and set_health") {
  capability_index idx;
  for (size_t i = 0; i < 3; ++i)
    REQUIRE_FALSE(idx.insert(numbered(i)));
  auto name = [&] { return idx.find_healthy("work", nullptr, false)->id.name; };
  CHECK(name() == "a-0");
  CHECK(idx.set_load("instance-with-a-long-id-0", {9, 0}));
  CHECK(idx.find("instance-with-a-long-id-0")->load.mailbox_depth == 9);
  CHECK(name() == "a-1");
  idx.set_state("instance-with-a-long-id-1", agent::lifecycle_state::suspended);
  CHECK(name() == "a-2");
  idx.set_health("instance-with-a-long-id-2", health::degraded);
  CHECK(name() == "a-0");
  CHECK_FALSE(idx.set_load("nobody", {}));
  REQUIRE_FALSE(idx.erase("instance-with-a-long-id-0"));
  REQUIRE_FALSE(idx.insert(numbered(3))); // reuses the freed slot
  CHECK(name() == "a-3");
  CHECK(idx.find("instance-with-a-long-id-3")->capabilities.front().metadata.at("k") == "3");
}

TEST_CASE("find_healthy agrees with a brute-force choice through random loads and health") {
  std::mt19937 rng{7};
  capability_index idx;
  std::vector<std::string> ids;
  for (size_t i = 0; i < 300; ++i) {
    agent_record r;
    // Half the ids share their first 8 bytes, so ties fall back to full ids.
    std::string id = i % 2 == 0 ? "same-prefix-" : "p";
    id += std::to_string(rng() % 100000);
    id += "-";
    id += std::to_string(i);
    auto version = std::to_string(1 + i % 3);
    version += '.';
    version += std::to_string(i % 7);
    version += ".0";
    r.id = {"tests", id + "-name", id, version};
    r.capabilities.push_back({"work", "", {}});
    REQUIRE_FALSE(idx.insert(std::move(r)));
    ids.push_back(id);
  }
  auto range = *agent::version_range::parse("^1 || ^2");
  for (int round = 0; round < 50; ++round) {
    for (auto& id : ids) {
      idx.set_load(id, {rng() % 4, 0});
      idx.set_health(id, static_cast<health>(1 + rng() % 3));
      idx.set_state(id, rng() % 5 == 0 ? agent::lifecycle_state::suspended : agent::lifecycle_state::active);
    }
    const agent_record* want = nullptr;
    auto key = [](const agent_record& r) {
      return std::tuple{r.health_ == health::healthy ? 0 : 1, r.load.mailbox_depth, r.id.instance};
    };
    for (auto& id : ids) {
      auto* r = idx.find(id);
      if (r->health_ == health::down || r->state != agent::lifecycle_state::active
          || !range.matches(*agent::parse_semver(r->id.version)))
        continue;
      if (want == nullptr || key(*r) < key(*want))
        want = r;
    }
    CHECK(idx.find_healthy("work", &range, false) == want);
  }
}
