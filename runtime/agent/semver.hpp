// Semantic versions (SemVer 2.0.0): parsing, validation and precedence.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace smith::agent {

/// A parsed SemVer 2.0.0 version. Build metadata is kept but ignored by comparisons.
struct semver {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  /// Dot-separated pre-release identifiers ("rc", "1" for "-rc.1").
  std::vector<std::string> prerelease;
  /// Build metadata after '+', without the '+'.
  std::string build;

  /// SemVer precedence (section 11 of the spec).
  friend std::strong_ordering operator<=>(const semver& x, const semver& y);
  friend bool operator==(const semver& x, const semver& y) { return (x <=> y) == 0; }
};

/// Parses `text` strictly (no leading 'v', no leading zeros, all three numbers).
/// Errors: agent_errc::invalid_version naming the offending part.
caf::expected<semver> parse_semver(std::string_view text);

/// The major number of `text`, or 0 when it does not parse (callers that need the reason
/// use parse_semver).
uint64_t major_of(std::string_view text);

/// Renders `x` in canonical form ("1.2.3-rc.1+build.5").
std::string to_string(const semver& x);

} // namespace smith::agent
