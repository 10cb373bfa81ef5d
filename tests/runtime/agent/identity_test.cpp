// SemVer, agent ids and the lifecycle state machine.
#include <doctest/doctest.h>

#include <set>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/agent_id.hpp"
#include "runtime/agent/lifecycle.hpp"
#include "runtime/agent/semver.hpp"

using namespace smith::agent;

TEST_CASE("semver parses the full grammar and renders it back") {
  auto v = parse_semver("1.22.333-rc.1+build.7");
  REQUIRE(v);
  CHECK(v->major == 1);
  CHECK(v->minor == 22);
  CHECK(v->patch == 333);
  CHECK(v->prerelease == std::vector<std::string>{"rc", "1"});
  CHECK(v->build == "build.7");
  CHECK(to_string(*v) == "1.22.333-rc.1+build.7");
}

TEST_CASE("semver precedence follows the specification's example chain") {
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1",
                         "1.1.0", "2.0.0"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    CAPTURE(chain[i]);
    CHECK(*parse_semver(chain[i]) < *parse_semver(chain[i + 1]));
  }
  CHECK(*parse_semver("1.0.0+a") == *parse_semver("1.0.0+b"));
}

TEST_CASE("semver rejects malformed versions with a specific error") {
  for (auto bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.2.x", "1.2.3-", "1.2.3-01",
                   "1.2.3+", "1.2.3-a..b", "-1.2.3", "1.2.3 "}) {
    CAPTURE(bad);
    auto v = parse_semver(bad);
    REQUIRE_FALSE(v);
    CHECK(v.error() == agent_errc::invalid_version);
  }
}

TEST_CASE("agent ids validate names as subject tokens and get fresh v4 uuids") {
  auto id = make_agent_id("examples", "counter-1", "1.0.0");
  REQUIRE(id);
  CHECK(id->instance.size() == 36);
  CHECK(id->instance[14] == '4');
  CHECK(std::string{"89ab"}.find(id->instance[19]) != std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(new_uuid());
  CHECK(seen.size() == 1000);
  CHECK(qualified_name(*id) == "examples/counter-1@1.0.0");
}

TEST_CASE("agent ids refuse dots, wildcards, whitespace, control bytes and overlong names") {
  const std::vector<std::string> bads = {"a.b", "a*", "a>", "a b", "tab\there",
                                         std::string{"nul\0x", 5}, "del\x7f", ""};
  for (auto& bad : bads) {
    CAPTURE(bad);
    auto id = make_agent_id("examples", bad, "1.0.0");
    REQUIRE_FALSE(id);
    CHECK(id.error() == agent_errc::invalid_name);
  }
  CHECK_FALSE(make_agent_id("examples", std::string(129, 'x'), "1.0.0"));
  CHECK(make_agent_id("examples", std::string(128, 'x'), "1.0.0"));
  CHECK(make_agent_id("bad.domain", "a", "1.0.0").error() == agent_errc::invalid_name);
  CHECK(make_agent_id("d", "a", "1.0").error() == agent_errc::invalid_version);
}

TEST_CASE("the lifecycle follows the design's path and records every transition") {
  lifecycle lc;
  using s = lifecycle_state;
  for (auto to : {s::registering, s::registered, s::active, s::suspended, s::active, s::draining,
                  s::suspended, s::terminated})
    CHECK_FALSE(lc.transition(to, 1));
  CHECK(lc.history().size() == 8);
  CHECK(lc.history().front().from == s::unregistered);
  CHECK(lc.state() == s::terminated);
}

TEST_CASE("an illegal lifecycle transition is refused and changes nothing") {
  lifecycle lc;
  using s = lifecycle_state;
  auto err = lc.transition(s::active, 1);
  CHECK(err == agent_errc::illegal_transition);
  CHECK(lc.state() == s::unregistered);
  CHECK(lc.history().empty());
  lc.transition(s::terminated, 2);
  CHECK(lc.transition(s::registering, 3) == agent_errc::illegal_transition);
  CHECK_FALSE(is_legal(s::draining, s::active));
  CHECK_FALSE(is_legal(s::registered, s::suspended));
}

TEST_CASE("a uuid renders in canonical form, parses back, and refuses anything else") {
  for (int i = 0; i < 100; ++i) {
    auto u = uuid::random();
    auto text = to_string(u);
    CAPTURE(text);
    CHECK(text.size() == 36);
    CHECK(text[14] == '4');
    auto back = uuid::parse(text);
    REQUIRE(back);
    CHECK(*back == u);
  }
  auto u = uuid::parse("0123abcd-ef01-4234-9567-89abcdef0123");
  REQUIRE(u);
  CHECK(to_string(*u) == "0123abcd-ef01-4234-9567-89abcdef0123");
  for (auto bad : {"", "x-uuid", "0123ABCD-ef01-4234-9567-89abcdef0123",
                   "0123abcd-ef01-4234-9567-89abcdef012", "0123abcd-ef01-4234-9567-89abcdef01234",
                   "0123abcdxef01-4234-9567-89abcdef0123", "0123abcd-ef01-4234-9567-89abcdef012g",
                   "00000000-0000-0000-0000-000000000000"}) {
    CAPTURE(bad);
    CHECK_FALSE(uuid::parse(bad));
  }
  CHECK(to_string(uuid{}).empty());
}
