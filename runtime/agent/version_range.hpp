// SemVer 2.0 version ranges (npm/cargo-style) for capability discovery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "runtime/agent/semver.hpp"

namespace smith::agent {

/// A set of acceptable versions, parsed once and matched many times.
///
/// Grammar (npm's `node-semver` ranges, strict numbers as in parse_semver):
///
///     range       ::= ws* | alternative (ws* "||" ws* alternative)*
///     alternative ::= partial ws+ "-" ws+ partial          (hyphen range, inclusive)
///                   | term (ws+ term)*                     (AND: every term must hold)
///     term        ::= op? ws* partial
///     op          ::= "<" | "<=" | ">" | ">=" | "=" | "^" | "~"
///     partial     ::= xr ("." xr ("." xr pre-release? build?)?)?
///     xr          ::= "0" | [1-9][0-9]* | "x" | "X" | "*"
///
/// Each term is rewritten to at most two comparators (the canonical form, see to_string):
///
///     *, x, ""        any release                1.2.3, =1.2.3   1.2.3
///     1.2, 1.2.x      >=1.2.0 <1.3.0-0           1, 1.x, 1.*     >=1.0.0 <2.0.0-0
///     ^1.2.3          >=1.2.3 <2.0.0-0           ^0.2.3          >=0.2.3 <0.3.0-0
///     ^0.0.3          >=0.0.3 <0.0.4-0           ^1.2            >=1.2.0 <2.0.0-0
///     ^0              >=0.0.0 <1.0.0-0           ^0.0            >=0.0.0 <0.1.0-0
///     ~1.2.3          >=1.2.3 <1.3.0-0           ~1.2            >=1.2.0 <1.3.0-0
///     ~1              >=1.0.0 <2.0.0-0           >1.2            >=1.3.0
///     >=1.2           >=1.2.0                    <1.2            <1.2.0-0
///     <=1.2           <1.3.0-0                   >*, <*          <0.0.0-0 (nothing)
///     1.2.3 - 2.3     >=1.2.3 <2.4.0-0           1.2 - 2.3.4     >=1.2.0 <=2.3.4
///     ^1.2 || ^2.0    >=1.2.0 <2.0.0-0 || >=2.0.0 <3.0.0-0
///
/// Pre-release rule (npm's): a version with a pre-release tag matches an alternative only if
/// some comparator of that alternative carries a pre-release on the same MAJOR.MINOR.PATCH, so
/// `>=1.2.3-alpha.1` matches 1.2.3-alpha.2 and 1.2.4 but not 1.2.4-beta, and `*` matches no
/// pre-release. Build metadata is accepted and ignored. Not accepted, unlike npm: a leading `v`,
/// `~>`, a pre-release on a partial version (`1.2-beta`), empty `||` alternatives, a number after
/// a wildcard (`1.x.3`), comparators not separated by whitespace (`>=1<2`).
///
/// Immutable after parse; safe to share between threads.
class version_range {
public:
  /// The relation a comparator demands of a version, as the set of admitted orderings of
  /// `version <=> bound` (bit 1 less, 2 equal, 4 greater).
  enum class op : uint8_t { lt = 1, eq = 2, le = 3, gt = 4, ge = 6 };

  /// One normalized bound: `version <kind> this->version`. Never carries build metadata.
  struct comparator {
    op kind = op::eq;
    semver version;
  };

  /// Comparators that must all hold (an empty set admits every release).
  using comparator_set = std::vector<comparator>;

  /// Parses `text` (see the class comment). Errors: agent_errc::invalid_version with a message
  /// naming the range, the offset of the offending part and the reason, e.g.
  /// "invalid version range '>=1.0 <' at offset 6: '<' needs a version".
  static caf::expected<version_range> parse(std::string_view text);

  /// The range "" (any release, no pre-release); equal to `parse("")`.
  version_range() = default;

  /// True if `v` satisfies some alternative, pre-release rule included. Does not allocate.
  bool matches(const semver& v) const noexcept;

  /// Parses `version` strictly with parse_semver and matches it; false if it is invalid.
  bool matches(std::string_view version) const;

  /// The canonical form: alternatives joined by " || ", comparators by " ", `*` for an empty
  /// set, `=` omitted ("1.2.3"). Parsing it yields a range with the same canonical form.
  std::string to_string() const;

  /// The text this range was parsed from, unmodified (untrimmed).
  const std::string& text() const noexcept { return text_; }

  /// The normalized alternatives (OR of AND-sets) that matches() evaluates.
  const std::vector<comparator_set>& alternatives() const noexcept { return sets_; }

private:
  std::string text_;
  std::vector<comparator_set> sets_ = {comparator_set{}};
};

/// The one major version every release `r` admits has, or nullopt when `r` admits releases of
/// several majors (or is unbounded above, like `>=1.2` or `*`) or none at all. `^1.2` and
/// `1.x` give 1, `~2.3.4` and `2.0.0 - 2.9` give 2, `^1 || ^2` and `>=1.0.0` give nullopt.
/// Pre-releases are not considered. Pure.
std::optional<uint64_t> single_major(const version_range& r);

} // namespace smith::agent
