// Version ranges: every range form, the pre-release rule, canonical forms and parse errors.
#include <doctest/doctest.h>

#include <initializer_list>
#include <random>
#include <string>
#include <tuple>

#include <caf/error.hpp>
#include <caf/message.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/agent/version_range.hpp"

using namespace smith::agent;

namespace {

using versions = std::initializer_list<const char*>;

version_range range(std::string_view text) {
  auto r = version_range::parse(text);
  INFO("range '", std::string{text}, "'");
  REQUIRE(r);
  return std::move(*r);
}

semver version(const char* text) {
  auto v = parse_semver(text);
  INFO("version ", text);
  REQUIRE(v); // an invalid sample would make a "does not match" check vacuous
  return std::move(*v);
}

/// Checks that `text` admits every version in `yes` and none in `no`.
void check_range(std::string_view text, versions yes, versions no) {
  auto r = range(text);
  for (auto v : yes) {
    INFO("'", std::string{text}, "' should match ", v);
    CHECK(r.matches(version(v)));
  }
  for (auto v : no) {
    INFO("'", std::string{text}, "' should not match ", v);
    CHECK_FALSE(r.matches(version(v)));
  }
}

std::string message_of(const caf::error& err) {
  REQUIRE(err.context().match_elements<std::string>());
  return err.context().get_as<std::string>(0);
}

} // namespace

TEST_CASE("exact-version ranges match only that version, with or without '='") {
  for (auto text : {"1.2.3", "=1.2.3", "= 1.2.3", "  1.2.3  "})
    check_range(text, {"1.2.3", "1.2.3+build.7"}, {"1.2.2", "1.2.4", "1.2.3-rc.1", "2.2.3"});
  check_range("1.2.3-rc.1", {"1.2.3-rc.1"}, {"1.2.3-rc.2", "1.2.3"});
}

TEST_CASE("partial-version ranges and x-ranges cover their whole minor or major") {
  for (auto text : {"1.2", "1.2.x", "1.2.*", "=1.2", "1.2.X"})
    check_range(text, {"1.2.0", "1.2.99"}, {"1.1.9", "1.3.0", "1.2.5-beta"});
  for (auto text : {"1", "1.x", "1.*", "1.x.x", "1.X.*"})
    check_range(text, {"1.0.0", "1.99.99"}, {"0.9.9", "2.0.0", "2.0.0-0", "1.5.0-rc.1"});
}

TEST_CASE("comparator ranges accept full and partial versions with npm's rounding") {
  check_range(">1.2.3", {"1.2.4", "2.0.0"}, {"1.2.3", "1.2.2"});
  check_range(">=1.2.3", {"1.2.3", "9.0.0"}, {"1.2.2", "1.2.3-rc.1"});
  check_range("<1.2.3", {"1.2.2", "0.0.0"}, {"1.2.3", "1.2.3-rc.1"});
  check_range("<=1.2.3", {"1.2.3", "1.2.2"}, {"1.2.4"});
  check_range(">1.2", {"1.3.0"}, {"1.2.9", "1.3.0-rc.1"});
  check_range(">= 1.2", {"1.2.0", "3.0.0"}, {"1.1.9"});
  check_range("<1.2", {"1.1.9"}, {"1.2.0", "1.2.0-rc.1"});
  check_range("<=\t1.2", {"1.2.9", "0.1.0"}, {"1.3.0"});
  check_range(">1", {"2.0.0"}, {"1.9.9"});
  check_range("<=1", {"1.9.9"}, {"2.0.0"});
}

TEST_CASE("caret ranges keep the first non-zero part fixed") {
  check_range("^1.2", {"1.2.0", "1.9.9"}, {"1.1.9", "2.0.0", "2.0.0-rc.1"});
  check_range("^1.2.3", {"1.2.3", "1.99.0"}, {"1.2.2", "2.0.0"});
  check_range("^0.2.3", {"0.2.3", "0.2.9"}, {"0.2.2", "0.3.0"});
  check_range("^0.0.3", {"0.0.3"}, {"0.0.2", "0.0.4"});
  check_range("^0", {"0.0.0", "0.9.9"}, {"1.0.0"});
  check_range("^0.0", {"0.0.0", "0.0.9"}, {"0.1.0"});
  check_range("^1", {"1.0.0", "1.9.0"}, {"0.9.9", "2.0.0"});
  check_range("^ 1.x", {"1.0.0"}, {"2.0.0"});
}

TEST_CASE("tilde ranges allow patch-level changes only") {
  check_range("~1.2.3", {"1.2.3", "1.2.99"}, {"1.2.2", "1.3.0"});
  check_range("~1.2", {"1.2.0", "1.2.9"}, {"1.1.9", "1.3.0"});
  check_range("~1", {"1.0.0", "1.9.9"}, {"0.9.9", "2.0.0"});
  check_range("~0.2.3", {"0.2.3"}, {"0.3.0"});
}

TEST_CASE("space-separated comparators of a range must all hold") {
  check_range(">=1.0 <2.0", {"1.0.0", "1.9.9"}, {"0.9.9", "2.0.0", "2.0.0-rc.1"});
  check_range("  >=1.0   <2.0  ", {"1.5.0"}, {"2.0.0"});
  check_range("^1.2 <1.5", {"1.4.9"}, {"1.5.0", "1.1.0"});
  check_range(">1.0.0 <1.0.1", {}, {"1.0.0", "1.0.1", "1.0.1-rc.1"});
}

TEST_CASE("a range with '||' alternatives matches when any alternative holds") {
  check_range("^1.2 || ^2.0", {"1.2.0", "2.5.0"}, {"1.1.0", "3.0.0"});
  check_range("1.2.3||>=2.0.0 <2.1.0 ||5", {"1.2.3", "2.0.5", "5.3.0"},
              {"1.2.4", "2.1.0", "4.9.9"});
}

TEST_CASE("hyphen ranges are inclusive and round a partial upper end up") {
  check_range("1.2.3 - 2.3.4", {"1.2.3", "2.3.4"}, {"1.2.2", "2.3.5"});
  check_range("1.2 - 2.3", {"1.2.0", "2.3.9"}, {"1.1.9", "2.4.0"});
  check_range("1.2.3 - 2", {"2.9.9"}, {"3.0.0"});
  check_range("* - 2.0.0", {"0.0.0", "2.0.0"}, {"2.0.1"});
  check_range("1.0.0 - 1.1.0 || 3.0.0 - 3.1.0", {"1.0.5", "3.1.0"}, {"2.0.0"});
}

TEST_CASE("a pre-release matches a range only beside a comparator on its own major.minor.patch") {
  check_range(">=1.2.3-alpha.1", {"1.2.3-alpha.1", "1.2.3-alpha.2", "1.2.3", "1.2.4"},
              {"1.2.3-alpha.0", "1.2.3-alpha", "1.2.4-beta"});
  check_range("^1.2.3-beta.2", {"1.2.3-beta.2", "1.2.3-beta.10", "1.9.0"},
              {"1.2.3-beta.1", "1.2.4-beta.3", "2.0.0-rc.1"});
  check_range("<1.2.3-rc.1", {"1.2.3-beta", "1.2.2"}, {"1.2.2-beta", "1.2.3-rc.1"});
  check_range("~1.2.3-beta", {"1.2.3-beta.1", "1.2.5"}, {"1.2.4-beta"});
  // The opt-in is per alternative: the second one admits exactly one pre-release.
  check_range("^1.0 || 2.0.0-rc.1", {"1.5.0", "2.0.0-rc.1"}, {"2.0.0-rc.2", "1.5.0-rc.1"});
}

TEST_CASE("the ranges '*', 'x' and '' match every release but no pre-release") {
  for (auto text : {"*", "", "   ", "x", "X", "*.*.*", "^*", "~x", ">=*", "<=x"})
    check_range(text, {"0.0.0", "1.2.3", "999.0.0"}, {"1.0.0-rc.1", "0.0.0-0"});
  check_range(">=0.0.0", {"0.0.0"}, {"1.0.0-rc.1"});
  for (auto text : {">*", "<*", "<x"})
    check_range(text, {}, {"0.0.0", "1.2.3", "0.0.0-0"});
  version_range any;
  CHECK(any.matches(version("4.5.6")));
  CHECK(any.to_string() == "*");
}

TEST_CASE("range to_string renders the canonical form, which parses back to itself") {
  const std::pair<const char*, const char*> cases[] = {
    {"1.2.3", "1.2.3"}, {"=1.2.3+build", "1.2.3"}, {"1.2", ">=1.2.0 <1.3.0-0"},
    {"1", ">=1.0.0 <2.0.0-0"}, {"1.x", ">=1.0.0 <2.0.0-0"}, {"1.2.*", ">=1.2.0 <1.3.0-0"},
    {"", "*"}, {" x ", "*"}, {"^1.2.3", ">=1.2.3 <2.0.0-0"}, {"^0.2.3", ">=0.2.3 <0.3.0-0"},
    {"^0.0.3", ">=0.0.3 <0.0.4-0"}, {"^1.2", ">=1.2.0 <2.0.0-0"}, {"^0", ">=0.0.0 <1.0.0-0"},
    {"^0.0", ">=0.0.0 <0.1.0-0"}, {"~1.2.3", ">=1.2.3 <1.3.0-0"}, {"~1.2", ">=1.2.0 <1.3.0-0"},
    {"~1", ">=1.0.0 <2.0.0-0"}, {">= 1.0  <2.0", ">=1.0.0 <2.0.0-0"}, {">1.2", ">=1.3.0"},
    {">1.2.3", ">1.2.3"}, {"<1.2", "<1.2.0-0"}, {"<=1.2", "<1.3.0-0"}, {"<=1.2.3", "<=1.2.3"},
    {">*", "<0.0.0-0"}, {"1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4"}, {"1.2 - 2.3", ">=1.2.0 <2.4.0-0"},
    {"^1.2 || ^2.0", ">=1.2.0 <2.0.0-0 || >=2.0.0 <3.0.0-0"}, {"* || 1", "* || >=1.0.0 <2.0.0-0"},
    {">=1.2.3-alpha.1+b", ">=1.2.3-alpha.1"}, {"^1.2.3-rc.1", ">=1.2.3-rc.1 <2.0.0-0"},
  };
  const char* samples[] = {"0.0.0", "0.2.9", "1.2.3", "1.2.3-alpha.2", "1.3.0", "2.0.0-rc.1",
                           "2.3.4", "2.5.0", "3.0.0"};
  for (auto [text, canonical] : cases) {
    auto r = range(text);
    CHECK(r.text() == text);
    CHECK(r.to_string() == canonical);
    auto again = range(r.to_string());
    CHECK(again.to_string() == canonical);
    for (auto v : samples) {
      INFO("'", text, "' vs its canonical form on ", v);
      CHECK(again.matches(version(v)) == r.matches(version(v)));
    }
  }
}

TEST_CASE("range bounds at the top of uint64 carry into the next part instead of overflowing") {
  CHECK(range("^18446744073709551615.0.0").to_string() == ">=18446744073709551615.0.0");
  check_range("^18446744073709551615", {"18446744073709551615.7.0"}, {"18446744073709551614.0.0"});
  CHECK(range("^0.18446744073709551615").to_string() == ">=0.18446744073709551615.0 <1.0.0-0");
  check_range(">18446744073709551615", {}, {"18446744073709551615.0.0"});
}

TEST_CASE("range matches on a version string parses it strictly and is false when it is invalid") {
  auto r = range("^1.2");
  CHECK(r.matches(std::string_view{"1.3.0"}));
  CHECK_FALSE(r.matches(std::string_view{"2.0.0"}));
  for (auto bad : {"1.3", "v1.3.0", "1.3.0 ", "", "01.3.0"}) {
    INFO("version: '", std::string{bad}, "'");
    CHECK_FALSE(r.matches(std::string_view{bad}));
  }
}

TEST_CASE("malformed ranges fail with invalid_version naming the part and its offset") {
  struct bad_case {
    const char* text;
    size_t offset;
    const char* reason;
  };
  const bad_case cases[] = {
    {"^", 0, "'^' needs a version"},
    {">=", 0, "'>=' needs a version"},
    {"1.2.3.4", 0, "'1.2.3.4' has more parts than MAJOR.MINOR.PATCH"},
    {"01.2", 0, "'01' has a leading zero"},
    {">=1.0 <", 6, "'<' needs a version"},
    {"1.2.3 -", 6, "'-' needs a version"},
    {"^1.2 ||", 5, "'||' needs a range after it"},
    {"foo", 0, "'foo' is not a version"},
    {"~>1.2", 0, "'~>' is not an operator"},
    {">=a.b", 2, "'a.b' is not a version"},
    {"|| 1.0", 0, "'||' needs a range before it"},
    {"1 || || 2", 2, "'||' needs a range after it"},
    {"1 | 2", 2, "'|' must be doubled"},
    {"1.x.3", 4, "'3' cannot follow a wildcard"},
    {"1.2-beta", 0, "a pre-release or build needs all of MAJOR.MINOR.PATCH"},
    {">=1.2.3-01", 2, "numeric pre-release identifier has a leading zero"},
    {">=1.0<2.0", 5, "separated by whitespace"},
    {"1 - 2 - 3", 6, "'-' must join exactly two plain versions"},
    {"- 1.2", 0, "'-' must join exactly two plain versions"},
    {"^1 - 2", 3, "'-' must join exactly two plain versions"},
    {"1.2.3 - >=2", 8, "'>=2' is not a version"},
    {"1..2", 2, "empty number in '1..2'"},
    {"1.2.b", 4, "'b' is not a number or wildcard"},
    {"99999999999999999999", 0, "is too large"},
    {"=>1", 0, "'=>' is not an operator"},
    {"v1.2.3", 0, "'v1.2.3' is not a version"},
  };
  for (const auto& c : cases) {
    auto r = version_range::parse(c.text);
    INFO("range: ", std::string{c.text});
    REQUIRE_FALSE(r);
    CHECK(r.error() == agent_errc::invalid_version);
    auto msg = message_of(r.error());
    INFO("message: ", msg);
    std::string prefix = "invalid version range '";
    prefix.append(c.text).append("' at offset ").append(std::to_string(c.offset)).append(": ");
    CHECK(msg.starts_with(prefix));
    CHECK(msg.find(c.reason) != std::string::npos);
  }
  auto r = version_range::parse(">=1.0 <");
  REQUIRE_FALSE(r);
  CHECK(message_of(r.error())
        == "invalid version range '>=1.0 <' at offset 6: '<' needs a version");
}

TEST_CASE("caret and tilde ranges agree with an independent model on random versions") {
  std::mt19937 rng{20240617}; // fixed: failures must reproduce
  auto pick = [&rng](uint64_t n) { return std::uniform_int_distribution<uint64_t>{0, n}(rng); };
  int hits[2] = {0, 0}; // caret, tilde
  int caret_misses = 0;
  for (int i = 0; i < 400; ++i) {
    const uint64_t x = 1 + pick(2), y = pick(3), z = pick(3);
    semver v;
    v.major = x - 1 + pick(2); // near the base, so that boundaries are hit often
    v.minor = pick(1) == 0 ? y : pick(4);
    v.patch = pick(4);
    if (pick(3) == 0)
      v.prerelease = {"rc", std::to_string(pick(2))};
    auto base = std::to_string(x) + "." + std::to_string(y) + "." + std::to_string(z);
    CAPTURE(base);
    CAPTURE(to_string(v));
    // ^X.Y.Z (X > 0): releases in [X.Y.Z, (X+1).0.0); ~X.Y.Z: releases in [X.Y.Z, X.(Y+1).0).
    const bool above = std::tie(v.major, v.minor, v.patch) >= std::tie(x, y, z);
    const bool caret = v.prerelease.empty() && above && v.major == x;
    const bool tilde = caret && v.minor == y;
    CHECK(range("^" + base).matches(v) == caret);
    CHECK(range("~" + base).matches(v) == tilde);
    hits[0] += caret;
    hits[1] += tilde;
    caret_misses += !caret;
  }
  // Both outcomes must occur often, or the model check above proves nothing.
  CHECK(hits[0] > 40);
  CHECK(hits[1] > 20);
  CHECK(caret_misses > 40);
}

TEST_CASE("single_major names the one major a range is confined to, if any") {
  auto major = [](std::string_view text) {
    auto r = version_range::parse(text);
    REQUIRE_MESSAGE(r, std::string{text});
    return single_major(*r);
  };
  CHECK(major("^1") == 1u);
  CHECK(major("^1.2") == 1u);
  CHECK(major("1.x") == 1u);
  CHECK(major("~2.3.4") == 2u);
  CHECK(major("2.0.0 - 2.9") == 2u);
  CHECK(major("3.1.4") == 3u);
  CHECK(major(">=2.1.0 <3.0.0") == 2u);
  CHECK(major("^0.2.3") == 0u);
  CHECK(major("^1 || 1.5.x") == 1u);
  CHECK_FALSE(major("^1 || ^2"));
  CHECK_FALSE(major(">=1.0.0"));
  CHECK_FALSE(major("*"));
  CHECK_FALSE(major(""));
  CHECK_FALSE(major("1.2 - 2.3"));
  CHECK_FALSE(major("<0.0.0"));
}
