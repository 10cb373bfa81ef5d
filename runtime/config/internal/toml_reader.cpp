// Typed, position-aware reads from a parsed TOML document.
#include "runtime/config/internal/toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "runtime/config/internal/suggest.hpp"
#include "runtime/core/token.hpp"

namespace smith::config::internal {

namespace {

using position = std::pair<uint32_t, uint32_t>;

position position_of(const toml::source_region& where) {
  if (!where.begin)
    return {1, 1};
  return {where.begin.line, where.begin.column};
}

// Header tables ([node], [[domain]]) start before their key; plain keys before their value.
const toml::source_region& earlier(const toml::source_region& key, const toml::source_region& value) {
  if (value.begin && position_of(value) < position_of(key))
    return value;
  return key;
}

std::string number_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string int_range(int64_t lo, int64_t hi) {
  if (hi == std::numeric_limits<int64_t>::max())
    return ">= " + std::to_string(lo);
  return "in " + std::to_string(lo) + ".." + std::to_string(hi);
}

std::string number_range(double lo, double hi) {
  if (std::isinf(hi))
    return ">= " + number_text(lo);
  return "in [" + number_text(lo) + ", " + number_text(hi) + "]";
}

std::string one_of(std::span<const std::string_view> names) {
  std::string result = "one of ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      result += i + 1 == names.size() ? " or " : ", ";
    result += '"';
    result += names[i];
    result += '"';
  }
  return result;
}

} // namespace

std::string type_phrase(toml::node_type type) {
  switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "an unknown value";
}

std::string quoted_key(std::string_view key) {
  // Appended piecewise: GCC 12 warns (-Wrestrict) on "'" + std::string{...}.
  std::string out = "'";
  out.append(key).append("'");
  return out;
}

std::string suggestion(std::string_view word, std::span<const std::string_view> candidates) {
  if (auto best = closest_match(word, candidates))
    return " (did you mean '" + std::string{*best} + "'?)";
  return {};
}

toml_reader::toml_reader(std::string source_name) : source_name_(std::move(source_name)) {
  // nop
}

void toml_reader::fail(config_errc code, const toml::source_region& where, const std::string& what) {
  auto pos = position_of(where);
  if (error_ && !(pos < error_pos_))
    return;
  error_ = caf::make_error(code, source_name_ + ":" + line_col(where) + ": " + what);
  error_pos_ = pos;
}

std::string toml_reader::line_col(const toml::source_region& where) {
  auto [line, column] = position_of(where);
  return std::to_string(line) + ":" + std::to_string(column);
}

void toml_reader::check_keys(const toml::table& tbl, key_list allowed, std::string_view context) {
  std::span<const std::string_view> names{allowed.begin(), allowed.size()};
  for (auto&& [key, value] : tbl) {
    if (std::find(names.begin(), names.end(), key.str()) != names.end())
      continue;
    fail(config_errc::unknown_key, earlier(key.source(), value.source()),
         "unknown key " + quoted_key(key.str()) + " " + std::string{context}
           + suggestion(key.str(), names));
  }
}

bool toml_reader::require(const toml::table& tbl, std::string_view key, std::string_view context) {
  if (tbl.contains(key))
    return true;
  fail(config_errc::missing_key, tbl.source(),
       std::string{context} + " is missing the required key " + quoted_key(key));
  return false;
}

const toml::table* toml_reader::table(const toml::table& tbl, std::string_view key) {
  auto* node = tbl.get(key);
  if (!node)
    return nullptr;
  if (auto* result = node->as_table())
    return result;
  fail(config_errc::wrong_type, node->source(),
       quoted_key(key) + " must be a table, got " + type_phrase(node->type()));
  return nullptr;
}

std::vector<const toml::table*> toml_reader::tables(const toml::table& tbl, std::string_view key,
                                                    std::string_view header) {
  std::vector<const toml::table*> result;
  auto* node = tbl.get(key);
  if (!node)
    return result;
  auto* array = node->as_array();
  if (!array) {
    fail(config_errc::wrong_type, node->source(),
         quoted_key(key) + " must be an array of tables (" + std::string{header} + "), got "
           + type_phrase(node->type()));
    return result;
  }
  for (auto& element : *array) {
    if (auto* entry = element.as_table())
      result.push_back(entry);
    else
      fail(config_errc::wrong_type, element.source(),
           "each entry of " + quoted_key(key) + " must be a table, got "
             + type_phrase(element.type()));
  }
  return result;
}

std::optional<int64_t> toml_reader::integer(const toml::table& tbl, std::string_view key,
                                            int64_t lo, int64_t hi) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  auto expected = quoted_key(key) + " must be an integer " + int_range(lo, hi) + ", got ";
  auto* value = node->as_integer();
  if (!value) {
    fail(config_errc::wrong_type, node->source(), expected + type_phrase(node->type()));
    return std::nullopt;
  }
  auto x = value->get();
  if (x < lo || x > hi) {
    fail(config_errc::out_of_range, node->source(), expected + std::to_string(x));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> toml_reader::boolean(const toml::table& tbl, std::string_view key,
                                         std::string_view table) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  if (auto* b = node->as_boolean())
    return b->get();
  std::string what{table};
  what.append(" ").append(key).append(" must be a boolean, got ");
  fail(config_errc::wrong_type, node->source(), what + type_phrase(node->type()));
  return std::nullopt;
}

std::optional<double> toml_reader::number(const toml::table& tbl, std::string_view key, double lo,
                                          double hi) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  auto expected = quoted_key(key) + " must be a number " + number_range(lo, hi) + ", got ";
  double x = 0;
  if (auto* i = node->as_integer()) {
    x = static_cast<double>(i->get());
  } else if (auto* f = node->as_floating_point()) {
    x = f->get();
  } else {
    fail(config_errc::wrong_type, node->source(), expected + type_phrase(node->type()));
    return std::nullopt;
  }
  if (!(x >= lo && x <= hi)) { // also rejects nan
    fail(config_errc::out_of_range, node->source(), expected + number_text(x));
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> toml_reader::string(const toml::table& tbl, std::string_view key) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  auto* value = node->as_string();
  if (!value) {
    fail(config_errc::wrong_type, node->source(),
         quoted_key(key) + " must be a string, got " + type_phrase(node->type()));
    return std::nullopt;
  }
  if (value->get().empty()) {
    fail(config_errc::invalid_value, node->source(), quoted_key(key) + " must not be empty");
    return std::nullopt;
  }
  return value->get();
}

std::optional<std::string> toml_reader::token(const toml::table& tbl, std::string_view key,
                                              std::string_view what) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  auto* value = node->as_string();
  if (!value) {
    fail(config_errc::wrong_type, node->source(),
         quoted_key(key) + " (" + std::string{what} + ") must be a string, got "
           + type_phrase(node->type()));
    return std::nullopt;
  }
  if (auto why = token_error(value->get())) {
    fail(config_errc::invalid_value, node->source(),
         std::string{what} + " '" + value->get() + "' is not a valid subject token: it " + *why);
    return std::nullopt;
  }
  return value->get();
}

std::optional<size_t> toml_reader::choice(const toml::table& tbl, std::string_view key,
                                          std::span<const std::string_view> names) {
  auto* node = tbl.get(key);
  if (!node)
    return std::nullopt;
  auto expected = quoted_key(key) + " must be " + one_of(names) + ", got ";
  auto* value = node->as_string();
  if (!value) {
    fail(config_errc::wrong_type, node->source(), expected + type_phrase(node->type()));
    return std::nullopt;
  }
  const auto& text = value->get();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == text)
      return i;
  fail(config_errc::invalid_value, node->source(),
       expected + "\"" + text + "\"" + suggestion(text, names));
  return std::nullopt;
}

} // namespace smith::config::internal
