// The registry index as a plain data structure.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <set>

#include <doctest/doctest.h>

#include "runtime/registry/capability_index.hpp"
#include "runtime/registry/registry_errc.hpp"

using namespace smith;
using namespace smith::registry;

namespace {

agent_record make(const std::string& name, const std::string& version,
                  std::vector<capability_info> caps, const std::string& instance = {}) {
  agent_record r;
  r.id = {"tests", name, instance.empty() ? name + "-uuid" : instance, version};
  r.capabilities = std::move(caps);
  return r;
}

std::vector<std::string> discovered(capability_index& idx, discover_query q,
                                    const std::string& range = {}) {
  std::optional<agent::version_range> vr;
  if (!range.empty())
    vr = *agent::version_range::parse(range);
  std::vector<std::string> out;
  idx.discover(q, vr ? &*vr : nullptr, [&](const agent_record& r) {
    out.push_back(r.id.name);
    return true;
  });
  return out;
}

discover_query q(const std::string& capability) {
  discover_query out;
  out.capability = capability;
  return out;
}

} // namespace

TEST_CASE("discover returns the highest matching version first, ties by instance id") {
  capability_index idx;
  REQUIRE_FALSE(idx.insert(make("a", "1.2.0", {{"sum", "", {}}}, "i-3")));
  REQUIRE_FALSE(idx.insert(make("b", "1.9.1", {{"sum", "", {}}}, "i-2")));
  REQUIRE_FALSE(idx.insert(make("c", "2.0.0", {{"sum", "", {}}}, "i-1")));
  REQUIRE_FALSE(idx.insert(make("d", "1.9.1", {{"sum", "", {}}}, "i-0")));
  CHECK(discovered(idx, q("sum")) == std::vector<std::string>{"c", "d", "b", "a"});
  CHECK(discovered(idx, q("sum"), "^1.2") == std::vector<std::string>{"d", "b", "a"});
  CHECK(discovered(idx, q("sum"), "~1.2.0") == std::vector<std::string>{"a"});
  CHECK(discovered(idx, q("sum"), ">=3.0").empty());
  CHECK(discovered(idx, q("nothing")).empty());
}

TEST_CASE("a capability's own version overrides the agent's version") {
  capability_index idx;
  REQUIRE_FALSE(idx.insert(make("a", "5.0.0", {{"sum", "1.4.0", {}}})));
  CHECK(discovered(idx, q("sum"), "^1.4") == std::vector<std::string>{"a"});
  CHECK(discovered(idx, q("sum"), "^5").empty());
}

TEST_CASE("discover filters on metadata and applies the limit after counting every match") {
  capability_index idx;
  idx.insert(make("en", "1.0.0", {{"translate", "", {{"lang", "en"}}}}));
  idx.insert(make("de", "1.0.0", {{"translate", "", {{"lang", "de"}, {"gpu", "yes"}}}}));
  idx.insert(make("de2", "1.1.0", {{"translate", "", {{"lang", "de"}}}}));
  discover_query q{"translate", "", {{"lang", "de"}}, 1, false};
  std::vector<std::string> got;
  auto total = idx.discover(q, nullptr, [&](const agent_record& r) {
    got.push_back(r.id.name);
    return got.size() < 1;
  });
  CHECK(total == 2);
  CHECK(got == std::vector<std::string>{"de2"});
  q.metadata = {{"lang", "de"}, {"gpu", "yes"}};
  CHECK(discovered(idx, q) == std::vector<std::string>{"de"});
}

TEST_CASE("find_healthy picks the least loaded, never down agents, degraded only as a last resort") {
  capability_index idx;
  for (auto n : {"a", "b", "c"})
    idx.insert(make(n, "1.0.0", {{"work", "", {}}}));
  idx.set_load("a-uuid", {5, 0});
  idx.set_load("b-uuid", {1, 1});
  idx.set_load("c-uuid", {0, 0});
  idx.set_health("c-uuid", health::down);
  CHECK(idx.find_healthy("work", nullptr, false)->id.name == "b");
  idx.set_health("b-uuid", health::degraded);
  CHECK(idx.find_healthy("work", nullptr, false)->id.name == "a");
  idx.set_health("a-uuid", health::degraded);
  CHECK(idx.find_healthy("work", nullptr, false)->id.name == "b");
  idx.set_health("a-uuid", health::down);
  idx.set_health("b-uuid", health::down);
  CHECK(idx.find_healthy("work", nullptr, false) == nullptr);
}

TEST_CASE("find_healthy breaks ties by instance id, or rotates with round robin") {
  capability_index idx;
  for (auto n : {"x", "y", "z"})
    idx.insert(make(n, "1.0.0", {{"work", "", {}}}));
  for (int i = 0; i < 3; ++i)
    CHECK(idx.find_healthy("work", nullptr, false)->id.name == "x");
  std::vector<std::string> picks;
  for (int i = 0; i < 6; ++i)
    picks.push_back(idx.find_healthy("work", nullptr, true)->id.name);
  CHECK(picks == std::vector<std::string>{"x", "y", "z", "x", "y", "z"});
}

TEST_CASE("find_healthy skips agents that are not active") {
  capability_index idx;
  idx.insert(make("a", "1.0.0", {{"work", "", {}}}));
  idx.set_state("a-uuid", agent::lifecycle_state::draining);
  CHECK(idx.find_healthy("work", nullptr, false) == nullptr);
}

TEST_CASE("bad records are refused with specific errors and change nothing") {
  capability_index idx{2};
  CHECK(idx.insert(make("bad.name", "1.0.0", {})) == registry_errc::invalid_name);
  CHECK(idx.insert(make("a", "1.0", {})) == registry_errc::invalid_version);
  CHECK(idx.insert(make("a", "1.0.0", {{"bad cap", "", {}}})) == registry_errc::invalid_name);
  CHECK(idx.insert(make("a", "1.0.0", {{"cap", "x", {}}})) == registry_errc::invalid_version);
  CHECK(idx.size() == 0);
  REQUIRE_FALSE(idx.insert(make("a", "1.0.0", {}, "i-1")));
  CHECK(idx.insert(make("b", "1.0.0", {}, "i-1")) == registry_errc::duplicate_instance);
  REQUIRE_FALSE(idx.insert(make("b", "1.0.0", {}, "i-2")));
  CHECK(idx.insert(make("c", "1.0.0", {}, "i-3")) == registry_errc::limit_exceeded);
  CHECK(idx.erase("nope") == registry_errc::unknown_agent);
  CHECK(idx.size() == 2);
  CHECK(idx.domain_size("tests") == 2);
}

TEST_CASE("erase removes an agent from every capability and from its name") {
  capability_index idx;
  idx.insert(make("a", "1.0.0", {{"p", "", {}}, {"q", "", {}}}));
  REQUIRE(idx.find_by_name("tests", "a") != nullptr);
  REQUIRE_FALSE(idx.erase("a-uuid"));
  CHECK(idx.find_by_name("tests", "a") == nullptr);
  CHECK(discovered(idx, q("p")).empty());
  CHECK(discovered(idx, q("q")).empty());
  CHECK(idx.domain_size("tests") == 0);
}

TEST_CASE("slot_list keeps instance order through chunk splits and merges") {
  // Ids share their first 8 bytes, so the order falls back to the full id.
  std::vector<agent_record> recs(3 * slot_list::chunk_max);
  std::vector<size_t> order(recs.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    recs[i].id.instance = "instance-" + std::to_string(i);
    order[i] = i;
  }
  std::mt19937 rng{42};
  std::shuffle(order.begin(), order.end(), rng);
  slot_list l;
  for (auto i : order)
    l.insert(&recs[i]);
  auto listed = [&] {
    std::vector<std::string> out;
    l.for_each([&](const agent_record& r) {
      out.push_back(r.id.instance);
      return true;
    });
    return out;
  };
  auto want = [&](const std::set<std::string>& ids) { return std::vector<std::string>(ids.begin(), ids.end()); };
  std::set<std::string> ids;
  for (auto& r : recs)
    ids.insert(r.id.instance);
  CHECK(l.size() == recs.size());
  CHECK(l.chunk_count() > 2);
  CHECK(listed() == want(ids));
  agent_record stranger;
  stranger.id.instance = "instance-1";
  CHECK_FALSE(l.erase(&stranger)); // same id, other record
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t k = 0; k + 10 < order.size(); ++k) {
    REQUIRE(l.erase(&recs[order[k]]));
    ids.erase(recs[order[k]].id.instance);
  }
  CHECK(l.size() == 10);
  CHECK(l.chunk_count() == 1); // emptied chunks merged or dropped
  CHECK(listed() == want(ids));
}

TEST_CASE("slot_list prefixes order like the bytes of the id") {
  auto p = [](const std::string& s) { return slot_list::prefix_of(s); };
  CHECK(p("a") < p("b"));
  CHECK(p("ab") == p(std::string{"ab\0", 3})); // equal prefix: the full id decides
  CHECK(p("abcdefgh") == p("abcdefghz"));
  CHECK(p("\x7f") < p("\x80")); // bytes compare unsigned, as std::string does
  CHECK(p("") < p("0"));
}

TEST_CASE("discover counts down agents per version and keeps the count through changes") {
  capability_index idx;
  for (auto n : {"a", "b", "c", "d"})
    idx.insert(make(n, n[0] < 'c' ? "1.0.0" : "2.0.0", {{"work", "", {}}}));
  auto total = [&](bool unhealthy, const std::string& range = {}) {
    discover_query dq{"work", range, {}, 0, unhealthy};
    auto vr = range.empty() ? std::nullopt : std::optional{*agent::version_range::parse(range)};
    return idx.discover(dq, vr ? &*vr : nullptr, [](const agent_record&) { return false; });
  };
  CHECK(total(false) == 4);
  idx.set_health("c-uuid", health::down);
  idx.set_health("c-uuid", health::down); // no change, no double count
  idx.set_health("a-uuid", health::degraded);
  CHECK(total(false) == 3);
  CHECK(total(true) == 4);
  CHECK(total(false, "^2") == 1);
  CHECK(discovered(idx, q("work")) == std::vector<std::string>{"d", "a", "b"});
  REQUIRE_FALSE(idx.erase("c-uuid")); // a down agent leaves, and its count with it
  CHECK(total(false) == 3);
  CHECK(total(true) == 3);
  idx.set_health("d-uuid", health::down);
  idx.set_health("d-uuid", health::healthy);
  CHECK(total(false, "^2") == 1);
}

TEST_CASE("versions equal but for build metadata share a group, ordered by instance") {
  capability_index idx;
  idx.insert(make("a", "1.0.0+zz", {{"work", "", {}}}, "i-2"));
  idx.insert(make("b", "1.0.0+aa", {{"work", "", {}}}, "i-1"));
  idx.insert(make("c", "1.0.0-rc.1", {{"work", "", {}}}, "i-0"));
  CHECK(discovered(idx, q("work")) == std::vector<std::string>{"b", "a", "c"});
  CHECK(discovered(idx, q("work"), "1.0.0") == std::vector<std::string>{"b", "a"});
  REQUIRE_FALSE(idx.erase("i-2"));
  CHECK(discovered(idx, q("work")) == std::vector<std::string>{"b", "c"});
}

TEST_CASE("discover agrees with a brute-force scan through random churn") {
  capability_index idx;
  std::mt19937 rng{7};
  const char* versions[] = {"1.0.0", "1.2.0", "1.2.0+b", "2.0.0", "2.0.0-rc.1", "0.9.0"};
  const char* ranges[] = {"", "^1", ">=1.2.0", "*", "^2.0.0-rc.0", "<1.0.0 || 2.x"};
  std::vector<std::string> live;
  for (int step = 0; step < 3000; ++step) {
    auto roll = rng() % 10;
    if (roll < 6 || live.empty()) {
      auto n = "n" + std::to_string(step);
      std::map<std::string, std::string> meta;
      if (rng() % 2 == 0)
        meta["lang"] = rng() % 2 == 0 ? "en" : "de";
      REQUIRE_FALSE(idx.insert(make(n, versions[rng() % 6], {{"work", "", meta}},
                                    "i" + std::to_string(rng() % 100000) + "-" + n)));
      live.push_back(idx.find_by_name("tests", n)->id.instance);
    } else if (roll < 8) {
      auto k = rng() % live.size();
      REQUIRE_FALSE(idx.erase(live[k]));
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      idx.set_health(live[rng() % live.size()], static_cast<health>(1 + rng() % 3));
    }
    if (step % 50 != 0)
      continue;
    auto range_text = ranges[rng() % 6];
    auto vr = *agent::version_range::parse(range_text);
    discover_query dq{"work", range_text, {}, 0, rng() % 2 == 0};
    if (rng() % 2 == 0)
      dq.metadata["lang"] = "de";
    // The reference: every record, filtered and sorted from scratch.
    std::vector<const agent_record*> want;
    idx.for_each(record_filter{}, [&](const agent_record& r) {
      auto& c = r.capabilities.front();
      auto meta_ok = dq.metadata.empty() || (c.metadata.count("lang") && c.metadata.at("lang") == "de");
      if (vr.matches(r.id.version) && meta_ok && (dq.include_unhealthy || r.health_ != health::down))
        want.push_back(&r);
    });
    std::sort(want.begin(), want.end(), [](auto* x, auto* y) {
      auto c = *agent::parse_semver(x->id.version) <=> *agent::parse_semver(y->id.version);
      return c != 0 ? c > 0 : x->id.instance < y->id.instance;
    });
    size_t limit = 1 + rng() % 8;
    std::vector<const agent_record*> got;
    auto total = idx.discover(dq, &vr, [&](const agent_record& r) {
      got.push_back(&r);
      return got.size() < limit;
    });
    CHECK(total == want.size());
    want.resize(std::min(want.size(), limit));
    CHECK(got == want);
  }
}

TEST_CASE("a capability with 100k candidates answers its first ones in order") {
  capability_index idx;
  std::vector<size_t> order(100'000);
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937{3});
  char id[32];
  for (auto i : order) {
    std::snprintf(id, sizeof id, "%08zu", i);
    REQUIRE_FALSE(idx.insert(make("a" + std::string{id}, "1.0.0", {{"big", "", {}}}, id)));
  }
  discover_query dq{"big", "", {}, 3, false};
  std::vector<std::string> got;
  auto total = idx.discover(dq, nullptr, [&](const agent_record& r) {
    got.push_back(r.id.instance);
    return got.size() < 3;
  });
  CHECK(total == 100'000);
  CHECK(got == std::vector<std::string>{"00000000", "00000001", "00000002"});
  REQUIRE_FALSE(idx.erase("00000001"));
  got.clear();
  idx.discover(dq, nullptr, [&](const agent_record& r) {
    got.push_back(r.id.instance);
    return got.size() < 3;
  });
  CHECK(got == std::vector<std::string>{"00000000", "00000002", "00000003"});
}
