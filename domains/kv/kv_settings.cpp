// Parsing of the kv agent's settings.
#include "domains/kv/kv_settings.hpp"

#include <charconv>
#include <optional>

#include <caf/sec.hpp>

namespace smith::kv {

namespace {

/// An integer setting: key, where to store it, its range.
struct int_setting {
  const char* key;
  uint64_t min;
  uint64_t max;
};

caf::error bad_setting(const std::string& agent, const std::string& key, const std::string& value,
                       const std::string& want) {
  return caf::make_error(caf::sec::invalid_argument, "kv agent '" + agent + "': setting '" + key
                                                       + "' = '" + value + "': expected " + want);
}

/// The value of integer setting `s` in `settings`, `fallback` when absent.
caf::expected<uint64_t> read_int(const std::map<std::string, std::string>& settings,
                                 const int_setting& s, uint64_t fallback,
                                 const std::string& agent) {
  auto i = settings.find(s.key);
  if (i == settings.end())
    return fallback;
  uint64_t out = 0;
  auto& text = i->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || out < s.min
      || out > s.max)
    return bad_setting(agent, s.key, text,
                       "an integer in " + std::to_string(s.min) + ".." + std::to_string(s.max));
  return out;
}

caf::error read_limits(const std::map<std::string, std::string>& settings, const std::string& agent,
                       kv_options& out) {
  auto key = read_int(settings, {"max_key_bytes", 1, 65536}, out.limits.max_key_bytes, agent);
  auto value = read_int(settings, {"max_value_bytes", 1, uint64_t{64} << 20},
                        out.limits.max_value_bytes, agent);
  auto maxq = read_int(settings, {"max_query_limit", 1, 100000}, out.limits.max_query_limit, agent);
  for (auto* r : {&key, &value, &maxq})
    if (!*r)
      return std::move(r->error());
  auto defq = read_int(settings, {"default_query_limit", 1, *maxq},
                       std::min<uint64_t>(out.limits.default_query_limit, *maxq), agent);
  if (!defq)
    return std::move(defq.error());
  out.limits = {static_cast<uint32_t>(*key), *value, static_cast<uint32_t>(*maxq),
                static_cast<uint32_t>(*defq)};
  return {};
}

caf::error read_sweep(const std::map<std::string, std::string>& settings, const std::string& agent,
                      kv_options& out) {
  auto interval = read_int(settings, {"sweep_interval_ms", 1, 86'400'000},
                           static_cast<uint64_t>(out.sweep_interval.count()), agent);
  if (!interval)
    return std::move(interval.error());
  auto batch = read_int(settings, {"sweep_batch", 1, 1'000'000}, out.sweep_batch, agent);
  if (!batch)
    return std::move(batch.error());
  out.sweep_interval = std::chrono::milliseconds{*interval};
  out.sweep_batch = *batch;
  return {};
}

} // namespace

caf::expected<kv_options> kv_options_from(const std::map<std::string, std::string>& settings,
                                          const std::string& agent_name) {
  kv_options out;
  if (auto err = read_limits(settings, agent_name, out))
    return err;
  if (auto err = read_sweep(settings, agent_name, out))
    return err;
  auto path = settings.find("path");
  auto data_dir = settings.find("data_dir");
  if (path != settings.end() && !path->second.empty())
    out.storage.path = path->second;
  else if (data_dir != settings.end() && !data_dir->second.empty())
    out.storage.path = data_dir->second + "/kv/" + agent_name;
  else
    return caf::make_error(caf::sec::invalid_argument,
                           "kv agent '" + agent_name
                             + "': no database directory (set 'path', or 'data_dir' "
                               "which a node fills from [node] data_dir)");
  auto storage = storage::options_from_settings(settings, "storage.", out.storage);
  if (!storage)
    return std::move(storage.error());
  out.storage = std::move(*storage);
  return out;
}

std::vector<domain::setting_schema> kv_schema() {
  using domain::setting_kind;
  return {
    {"kv", "path", setting_kind::string, false,
     "database directory (default {data_dir}/kv/{agent name})"},
    {"kv", "data_dir", setting_kind::string, false,
     "the node's data directory; filled from [node] data_dir unless set"},
    {"kv", "max_key_bytes", setting_kind::integer, false, "longest key (default 1024)"},
    {"kv", "max_value_bytes", setting_kind::integer, false, "largest value (default 1048576)"},
    {"kv", "max_query_limit", setting_kind::integer, false, "largest Query.limit (default 1000)"},
    {"kv", "default_query_limit", setting_kind::integer, false,
     "entries returned for Query.limit 0 (default 100)"},
    {"kv", "sweep_interval_ms", setting_kind::integer, false,
     "period of the expiry sweep (default 1000)"},
    {"kv", "sweep_batch", setting_kind::integer, false,
     "most expired entries deleted per sweep step (default 1000)"},
    {"kv", "storage.sync", setting_kind::boolean, false, "fsync every write (default false)"},
    {"kv", "storage.compression", setting_kind::string, false,
     "none, snappy, lz4 (default) or zstd"},
    {"kv", "storage.write_buffer_bytes", setting_kind::integer, false,
     "memtable size (0 = RocksDB's default)"},
    {"kv", "storage.max_open_files", setting_kind::integer, false,
     "most open files (-1 = unlimited)"},
  };
}

} // namespace smith::kv
