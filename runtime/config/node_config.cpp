// Small helpers of the node configuration structs.
#include "runtime/config/node_config.hpp"

#include <filesystem>
#include <thread>

namespace smith::config {

uint32_t scheduler_config::effective_threads() const noexcept {
  if (threads > 0)
    return threads;
  auto hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

std::vector<std::string> effective_plugin_dirs(const node_config& cfg,
                                               const std::string& default_dir) {
  if (cfg.plugins.dirs.empty())
    return {default_dir};
  namespace fs = std::filesystem;
  std::error_code ec;
  auto base = fs::path{cfg.source}.parent_path();
  bool from_file = !cfg.source.empty() && fs::is_regular_file(cfg.source, ec);
  std::vector<std::string> out;
  for (auto& dir : cfg.plugins.dirs) {
    fs::path p{dir};
    out.push_back(p.is_relative() && from_file ? (base / p).lexically_normal().string() : dir);
  }
  return out;
}

std::string http_address_of(const http_config& h) {
  if (!h.enabled)
    return {};
  auto host = h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host;
  return host + ":" + std::to_string(h.port);
}

const char* to_string(scheduler_policy x) {
  switch (x) {
    case scheduler_policy::sharing: return "sharing";
    case scheduler_policy::stealing: return "stealing";
    case scheduler_policy::affinity: return "affinity";
  }
  return "unknown";
}

const char* to_string(log_format x) {
  switch (x) {
    case log_format::text: return "text";
    case log_format::json: return "json";
  }
  return "unknown";
}

} // namespace smith::config
