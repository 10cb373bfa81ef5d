// The registry index as a plain data structure.
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
  idx.find_mutable("a-uuid")->load = {5, 0};
  idx.find_mutable("b-uuid")->load = {1, 1};
  idx.find_mutable("c-uuid")->load = {0, 0};
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
