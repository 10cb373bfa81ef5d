// Parsing, normalization and matching of SemVer version ranges.
#include "runtime/agent/version_range.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <caf/error.hpp>
#include <caf/message.hpp>

#include "runtime/agent/agent_errc.hpp"

namespace smith::agent {

namespace {

using op = version_range::op;
using comparator = version_range::comparator;
using comparator_set = version_range::comparator_set;

/// A version of which only the first `parts` numbers were given (0 for `*`); the rest are 0.
struct partial {
  semver v;
  int parts = 0;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_wildcard(std::string_view s) {
  return s == "x" || s == "X" || s == "*";
}

std::string quoted(std::string_view s) {
  // Appended piecewise: GCC 12 warns (-Wrestrict) on "'" + std::string{...}.
  std::string out = "'";
  out.append(s).append("'");
  return out;
}

uint64_t& field(semver& v, int i) {
  return i == 0 ? v.major : i == 1 ? v.minor : v.patch;
}

semver with_pre0(semver v) {
  // "-0" is the lowest pre-release of a version: "< X.Y.Z-0" keeps X.Y.Z's pre-releases out too.
  v.prerelease = {"0"};
  return v;
}

/// The first release above every version sharing v's numbers up to `level` (0 major, 1 minor,
/// 2 patch). A field at its maximum carries into the one before it (the successor of 0.MAX.*
/// is 1.0.0); std::nullopt if nothing is above.
std::optional<semver> next(const semver& v, int level) {
  uint64_t n[3] = {v.major, v.minor, v.patch};
  while (level >= 0 && n[level] == std::numeric_limits<uint64_t>::max())
    --level;
  if (level < 0)
    return std::nullopt;
  ++n[level];
  semver out;
  for (int i = 0; i <= level; ++i)
    field(out, i) = n[i];
  return out;
}

void add_nothing(comparator_set& s) {
  s.push_back({op::lt, with_pre0(semver{})});
}

void add_below_next(comparator_set& s, const semver& v, int level) {
  // Without a successor every version above v shares its prefix: no bound is needed.
  if (auto n = next(v, level))
    s.push_back({op::lt, with_pre0(*n)});
}

op op_named(std::string_view o) {
  // The operator's characters are its bits; no operator means "=".
  int bits = (o.find('<') != o.npos ? 1 : 0) | (o.find('>') != o.npos ? 4 : 0);
  return static_cast<op>(o.empty() || o.back() == '=' ? bits | 2 : bits);
}

/// Appends the comparators `o p` stands for (the table in version_range.hpp).
void lower(std::string_view o, const partial& p, comparator_set& s) {
  const semver& v = p.v;
  const int last = p.parts - 1;
  if (p.parts == 0) { // "*": only "<*" and ">*" restrict it, to nothing at all
    if (o == "<" || o == ">")
      add_nothing(s);
  } else if (o == "^" || o == "~") {
    // A caret keeps the first non-zero given field, a tilde the minor (or the lone major).
    const int caret = v.major != 0 || last == 0 ? 0 : v.minor != 0 || last == 1 ? 1 : 2;
    s.push_back({op::ge, v});
    add_below_next(s, v, o == "~" ? std::min(last, 1) : caret);
  } else if (p.parts == 3) {
    s.push_back({op_named(o), v});
  } else if (o == ">") { // ">1.2" is ">=1.3.0"
    if (auto n = next(v, last))
      s.push_back({op::ge, *n});
    else
      add_nothing(s);
  } else if (o == "<") {
    s.push_back({op::lt, with_pre0(v)});
  } else { // "1.2", "=1.2", ">=1.2", "<=1.2"
    if (o != "<=")
      s.push_back({op::ge, v});
    if (o != ">=")
      add_below_next(s, v, last);
  }
}

/// A single-pass parser over the whole text, so that errors name absolute offsets.
class parser {
public:
  explicit parser(std::string_view text) : text_(text) {}

  caf::error run(std::vector<comparator_set>& out) {
    skip_ws();
    if (pos_ == text_.size())
      return {}; // `out` already holds the one empty set that admits any release
    out.clear();
    for (;;) {
      if (text_[pos_] == '|')
        return fail(pos_, "'||' needs a range before it");
      if (auto err = alternative(out.emplace_back()))
        return err;
      if (pos_ == text_.size())
        return {};
      const size_t bar = pos_;
      if (text_.substr(pos_, 2) != "||")
        return fail(bar, "'|' must be doubled: '||'");
      pos_ += 2;
      skip_ws();
      if (pos_ == text_.size() || text_[pos_] == '|')
        return fail(bar, "'||' needs a range after it");
    }
  }

private:
  /// An operator ("" if none, "-" for a hyphen range's) and the version it applies to.
  struct term {
    std::string_view op;
    size_t at = 0;
    partial ver;
  };

  caf::error fail(size_t at, std::string_view why) const {
    std::string msg = "invalid version range ";
    msg.append(quoted(text_)).append(" at offset ").append(std::to_string(at)).append(": ");
    return caf::make_error(agent_errc::invalid_version, std::move(msg.append(why)));
  }

  void skip_ws() {
    while (pos_ < text_.size() && is_space(text_[pos_]))
      ++pos_;
  }

  caf::error alternative(comparator_set& out) {
    std::vector<term> terms;
    for (skip_ws(); pos_ < text_.size() && text_[pos_] != '|'; skip_ws())
      if (auto err = read_term(terms.emplace_back()))
        return err;
    auto dash = std::find_if(terms.begin(), terms.end(), [](auto& t) { return t.op == "-"; });
    if (dash == terms.end()) {
      for (const auto& t : terms)
        lower(t.op, t.ver, out);
      return {};
    }
    auto bad = terms.size() > 2 && dash == terms.begin() + 1 ? terms.begin() + 2 : dash;
    if (terms.size() != 2 || dash != terms.begin() + 1 || !terms[0].op.empty())
      return fail(bad->at, "'-' must join exactly two plain versions, as in '1.2.3 - 2.3.4'");
    lower(">=", terms[0].ver, out);
    lower("<=", terms[1].ver, out);
    return {};
  }

  caf::error read_term(term& out) {
    static constexpr std::string_view ops[] = {"", "<", "<=", ">", ">=", "=", "^", "~", "-"};
    out.at = pos_;
    auto rest = text_.substr(pos_);
    // A dash is an operator only as a hyphen range's: "-1" is a malformed version instead.
    const bool dash = rest[0] == '-' && (rest.size() == 1 || is_space(rest[1]));
    out.op = rest.substr(0, dash ? 1 : std::min(rest.find_first_not_of("<>=^~"), rest.size()));
    if (std::find(std::begin(ops), std::end(ops), out.op) == std::end(ops))
      return fail(pos_, quoted(out.op) + " is not an operator (use <, <=, >, >=, =, ^ or ~)");
    pos_ += out.op.size();
    skip_ws();
    const size_t at = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != '|')
      ++pos_;
    auto tok = text_.substr(at, pos_ - at);
    if (tok.empty())
      return fail(out.at, quoted(out.op) + " needs a version");
    if (auto k = tok.find_first_of("<>=^~"); k != tok.npos && k > 0)
      return fail(at + k, "comparators must be separated by whitespace");
    return read_partial(tok, at, out.ver);
  }

  caf::error read_partial(std::string_view tok, size_t at, partial& out) const {
    if (std::string_view{"0123456789xX*"}.find(tok[0]) == tok.npos)
      return fail(at, quoted(tok) + " is not a version");
    auto core = tok.substr(0, tok.find_first_of("-+"));
    bool wild = false;
    for (int i = 0, start = 0; start <= static_cast<int>(core.size()); ++i) {
      const auto end = std::min(core.find('.', start), core.size());
      auto part = core.substr(start, end - start);
      if (i == 3)
        return fail(at, quoted(tok) + " has more parts than MAJOR.MINOR.PATCH");
      if (part.empty())
        return fail(at + start, "empty number in " + quoted(tok));
      if (is_wildcard(part))
        wild = true;
      else if (wild)
        return fail(at + start, quoted(part) + " cannot follow a wildcard");
      else if (auto err = read_number(part, at + start, field(out.v, i)))
        return err;
      else
        out.parts = i + 1;
      start = static_cast<int>(end) + 1;
    }
    if (core.size() == tok.size())
      return {};
    if (out.parts < 3)
      return fail(at, quoted(tok) + ": a pre-release or build needs all of MAJOR.MINOR.PATCH");
    auto full = parse_semver(tok);
    if (!full && full.error().context().match_elements<std::string>())
      return fail(at, full.error().context().get_as<std::string>(0)); // parse_semver's reason
    if (!full)
      return fail(at, quoted(tok) + " is not a SemVer 2.0 version");
    out.v = std::move(*full);
    out.v.build.clear(); // ignored by precedence; keeps the canonical form free of it
    return {};
  }

  caf::error read_number(std::string_view part, size_t at, uint64_t& out) const {
    if (part.find_first_not_of("0123456789") != part.npos)
      return fail(at, quoted(part) + " is not a number or wildcard");
    if (part.size() > 1 && part[0] == '0')
      return fail(at, quoted(part) + " has a leading zero");
    if (std::from_chars(part.data(), part.data() + part.size(), out).ec != std::errc{})
      return fail(at, quoted(part) + " is too large");
    return {};
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool set_matches(const comparator_set& s, const semver& v) noexcept {
  for (const auto& c : s) {
    const auto r = v <=> c.version;
    if ((static_cast<int>(c.kind) & (r < 0 ? 1 : r == 0 ? 2 : 4)) == 0)
      return false;
  }
  if (v.prerelease.empty())
    return true;
  // npm's rule: a pre-release needs an explicit opt-in on its own MAJOR.MINOR.PATCH.
  return std::any_of(s.begin(), s.end(), [&v](const comparator& c) {
    const auto& b = c.version;
    return !b.prerelease.empty() && b.major == v.major && b.minor == v.minor
           && b.patch == v.patch;
  });
}

} // namespace

caf::expected<version_range> version_range::parse(std::string_view text) {
  version_range out;
  out.text_ = std::string{text};
  if (auto err = parser{text}.run(out.sets_))
    return err;
  return out;
}

bool version_range::matches(const semver& v) const noexcept {
  return std::any_of(sets_.begin(), sets_.end(),
                     [&v](const comparator_set& s) { return set_matches(s, v); });
}

bool version_range::matches(std::string_view version) const {
  auto v = parse_semver(version);
  return v && matches(*v);
}

std::string version_range::to_string() const {
  // Indexed by op's bits; 0 and 5 are not operators.
  static constexpr const char* prefixes[] = {"", "<", "", "<=", ">", "", ">="};
  std::string out;
  for (const auto& s : sets_) {
    out.append(out.empty() ? "" : " || ").append(s.empty() ? "*" : "");
    for (const auto& c : s)
      out.append(&c == &s.front() ? "" : " ")
        .append(prefixes[static_cast<int>(c.kind)])
        .append(agent::to_string(c.version));
  }
  return out;
}

} // namespace smith::agent
