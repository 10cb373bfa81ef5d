// SemVer 2.0.0 parsing and precedence.
#include "runtime/agent/semver.hpp"

#include <charconv>

#include "runtime/agent/agent_errc.hpp"

namespace smith::agent {

namespace {

caf::error bad(std::string_view text, const std::string& why) {
  // Appended piecewise: GCC 12 warns (-Wrestrict) on "'" + std::string{...}.
  std::string msg = "'";
  msg.append(text).append("' is not a SemVer 2.0 version: ").append(why);
  return caf::make_error(agent_errc::invalid_version, std::move(msg));
}

bool all_digits(std::string_view s) {
  for (auto c : s)
    if (c < '0' || c > '9')
      return false;
  return !s.empty();
}

bool valid_identifier(std::string_view s) {
  if (s.empty())
    return false;
  for (auto c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
      return false;
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

caf::expected<uint64_t> parse_number(std::string_view text, std::string_view part, const char* what) {
  if (!all_digits(part))
    return bad(text, std::string{what} + " must be a non-negative integer");
  if (part.size() > 1 && part[0] == '0')
    return bad(text, std::string{what} + " has a leading zero");
  uint64_t value = 0;
  auto res = std::from_chars(part.data(), part.data() + part.size(), value);
  if (res.ec != std::errc{})
    return bad(text, std::string{what} + " is too large");
  return value;
}

caf::error parse_prerelease(std::string_view text, std::string_view pre, semver& out) {
  for (auto id : split(pre, '.')) {
    if (!valid_identifier(id))
      return bad(text, "pre-release identifiers must be non-empty [0-9A-Za-z-]");
    if (all_digits(id) && id.size() > 1 && id[0] == '0')
      return bad(text, "numeric pre-release identifier has a leading zero");
    out.prerelease.emplace_back(id);
  }
  return {};
}

std::strong_ordering compare_identifier(const std::string& x, const std::string& y) {
  bool xn = all_digits(x);
  bool yn = all_digits(y);
  if (xn && yn) {
    if (x.size() != y.size())
      return x.size() <=> y.size(); // no leading zeros: longer means larger
    return x.compare(y) <=> 0;
  }
  if (xn != yn)
    return xn ? std::strong_ordering::less : std::strong_ordering::greater;
  return x.compare(y) <=> 0;
}

} // namespace

caf::expected<semver> parse_semver(std::string_view text) {
  semver out;
  auto core = text;
  if (auto plus = core.find('+'); plus != std::string_view::npos) {
    auto build = core.substr(plus + 1);
    for (auto id : split(build, '.'))
      if (!valid_identifier(id))
        return bad(text, "build identifiers must be non-empty [0-9A-Za-z-]");
    out.build = std::string{build};
    core = core.substr(0, plus);
  }
  if (auto dash = core.find('-'); dash != std::string_view::npos) {
    if (auto err = parse_prerelease(text, core.substr(dash + 1), out))
      return err;
    core = core.substr(0, dash);
  }
  auto parts = split(core, '.');
  if (parts.size() != 3)
    return bad(text, "expected MAJOR.MINOR.PATCH");
  const char* names[] = {"major", "minor", "patch"};
  uint64_t* fields[] = {&out.major, &out.minor, &out.patch};
  for (size_t i = 0; i < 3; ++i) {
    auto n = parse_number(text, parts[i], names[i]);
    if (!n)
      return std::move(n.error());
    *fields[i] = *n;
  }
  return out;
}

std::strong_ordering operator<=>(const semver& x, const semver& y) {
  if (auto c = std::tie(x.major, x.minor, x.patch) <=> std::tie(y.major, y.minor, y.patch); c != 0)
    return c;
  // A release ranks above any of its pre-releases.
  if (x.prerelease.empty() || y.prerelease.empty()) {
    if (x.prerelease.empty() && y.prerelease.empty())
      return std::strong_ordering::equal;
    return x.prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  for (size_t i = 0; i < x.prerelease.size() && i < y.prerelease.size(); ++i)
    if (auto c = compare_identifier(x.prerelease[i], y.prerelease[i]); c != 0)
      return c;
  return x.prerelease.size() <=> y.prerelease.size();
}

std::string to_string(const semver& x) {
  auto out = std::to_string(x.major) + "." + std::to_string(x.minor) + "." + std::to_string(x.patch);
  for (size_t i = 0; i < x.prerelease.size(); ++i)
    out += (i == 0 ? "-" : ".") + x.prerelease[i];
  if (!x.build.empty())
    out += "+" + x.build;
  return out;
}

uint64_t major_of(std::string_view text) {
  auto v = parse_semver(text);
  return v ? v->major : 0;
}

} // namespace smith::agent
