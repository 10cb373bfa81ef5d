// Typed, position-aware reads from a parsed TOML document (internal to runtime/config).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <toml++/toml.h>

#include "runtime/config/config_errc.hpp"

namespace smith::config::internal {

/// The keys a table may hold, for unknown-key checks and suggestions.
using key_list = std::initializer_list<std::string_view>;

/// Reads values out of TOML tables and keeps the error that comes first in the
/// document. Every read returns nullopt (and records an error) when the value
/// is present but invalid, and nullopt silently when the key is absent, so the
/// caller keeps its default. Not thread-safe; one reader per load.
class toml_reader {
public:
  /// `source_name` prefixes every message ("smithd.toml:12:3: ...").
  explicit toml_reader(std::string source_name);

  /// Records `what` at `where` unless an error earlier in the document is
  /// already recorded; `what` must not repeat the position.
  void fail(config_errc code, const toml::source_region& where, const std::string& what);

  /// True once any error was recorded.
  bool failed() const noexcept { return static_cast<bool>(error_); }

  /// Moves the recorded error out (empty when none).
  caf::error take_error() { return std::move(error_); }

  /// "line:column" of `where`; "1:1" when toml++ knows no position.
  static std::string line_col(const toml::source_region& where);

  /// "source:line:column" of `where`, for errors found after loading.
  std::string position(const toml::source_region& where) const {
    return source_name_ + ":" + line_col(where);
  }

  /// Fails with unknown_key on the first key of `tbl` (in document order) that
  /// is not in `allowed`; `context` completes "unknown key 'x' ...", e.g. "in [node]".
  void check_keys(const toml::table& tbl, key_list allowed, std::string_view context);

  /// Fails with missing_key at `tbl`'s header when `key` is absent; returns
  /// whether it is present. `context` names the table, e.g. "[[domain]]".
  bool require(const toml::table& tbl, std::string_view key, std::string_view context);

  /// The sub-table `key`, or nullptr when absent or not a table (wrong_type).
  const toml::table* table(const toml::table& tbl, std::string_view key);

  /// The tables of array `key` (`header`, e.g. "[[domain]]", or an array of
  /// inline tables); empty when absent; wrong_type when `key` is no array or
  /// holds a non-table.
  std::vector<const toml::table*> tables(const toml::table& tbl, std::string_view key,
                                         std::string_view header);

  /// An integer in [lo, hi].
  std::optional<int64_t> integer(const toml::table& tbl, std::string_view key, int64_t lo,
                                 int64_t hi);

  /// A boolean; `table` names the table in the message ("[http] enabled must be a boolean").
  std::optional<bool> boolean(const toml::table& tbl, std::string_view key,
                              std::string_view table);

  /// A number (integer or float) in [lo, hi]; `hi` may be infinity.
  std::optional<double> number(const toml::table& tbl, std::string_view key, double lo, double hi);

  /// A non-empty string.
  std::optional<std::string> string(const toml::table& tbl, std::string_view key);

  /// A string that is a valid NATS subject token; `what` names it in messages
  /// ("domain name").
  std::optional<std::string> token(const toml::table& tbl, std::string_view key,
                                   std::string_view what);

  /// A string equal to one of `names`; returns its index.
  std::optional<size_t> choice(const toml::table& tbl, std::string_view key,
                               std::span<const std::string_view> names);

  /// A string naming one of `values`, as spelled by their `to_string`.
  template <class Enum>
  std::optional<Enum> enumeration(const toml::table& tbl, std::string_view key,
                                  std::initializer_list<Enum> values) {
    std::vector<std::string_view> names;
    for (auto value : values)
      names.emplace_back(to_string(value));
    auto index = choice(tbl, key, names);
    if (!index)
      return std::nullopt;
    return values.begin()[*index];
  }

private:
  std::string source_name_;
  caf::error error_;
  std::pair<uint32_t, uint32_t> error_pos_{0, 0};
};

/// "a string", "an integer", ... for messages about a node of type `type`.
std::string type_phrase(toml::node_type type);

/// `'key'`: a key quoted for messages.
std::string quoted_key(std::string_view key);

/// ` (did you mean 'x'?)` when one of `candidates` is close to `word`, else "".
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates);

} // namespace smith::config::internal
