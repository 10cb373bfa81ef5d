// Storage options from string settings.
#include "runtime/storage/store_options.hpp"

#include <charconv>
#include <optional>

#include "runtime/storage/storage_errc.hpp"

namespace smith::storage {

namespace {

template <class Int>
std::optional<Int> parse_int(const std::string& s) {
  Int out{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return std::nullopt;
  return out;
}

caf::error bad(const std::string& key, const std::string& value, const char* want) {
  return make_storage_error(storage_errc::invalid_argument,
                            "setting '" + key + "' = '" + value + "': expected " + want);
}

} // namespace

caf::expected<store_options> options_from_settings(const std::map<std::string, std::string>& settings,
                                                   const std::string& prefix,
                                                   store_options base) {
  for (const auto& [full, value] : settings) {
    if (full.compare(0, prefix.size(), prefix) != 0)
      continue;
    auto key = full.substr(prefix.size());
    if (key == "sync") {
      if (value != "true" && value != "false")
        return bad(full, value, "true or false");
      base.sync = value == "true";
    } else if (key == "write_buffer_bytes") {
      auto n = parse_int<uint64_t>(value);
      if (!n)
        return bad(full, value, "an integer >= 0");
      base.write_buffer_bytes = *n;
    } else if (key == "max_open_files") {
      auto n = parse_int<int>(value);
      if (!n || (*n < 0 && *n != -1))
        return bad(full, value, "-1 or an integer >= 0");
      base.max_open_files = *n;
    } else if (key == "compression") {
      if (value != "none" && value != "snappy" && value != "lz4" && value != "zstd")
        return bad(full, value, "none, snappy, lz4 or zstd");
      base.compression = value;
    }
  }
  return base;
}

} // namespace smith::storage
