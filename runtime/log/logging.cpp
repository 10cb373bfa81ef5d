// spdlog setup with a JSON-lines formatter.
#include "runtime/log/logging.hpp"

#include <cstdio>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "runtime/config/config_errc.hpp"
#include "runtime/log/trace_context.hpp"

namespace smith::log {

namespace {

/// One JSON object per line; spdlog's pattern language cannot escape values.
class json_formatter final : public spdlog::formatter {
public:
  explicit json_formatter(std::string node) : node_(std::move(node)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto secs = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch());
    auto lv = spdlog::level::to_string_view(msg.level);
    auto line = fmt::format(R"({{"ts_us":{},"level":"{}","node":"{}","msg":"{}")",
                            secs.count(), std::string_view{lv.data(), lv.size()},
                            json_escape(node_),
                            json_escape({msg.payload.data(), msg.payload.size()}));
    // The id is 32 hex digits (current_trace_id checks the shape): nothing to escape.
    if (auto trace = current_trace_id(); !trace.empty())
      line.append(R"(,"trace_id":")").append(trace).append("\"");
    line.push_back('}');
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>(node_);
  }

private:
  std::string node_;
};

/// `%*` in a text pattern: " trace=<id>" while the thread handles a traced request.
class trace_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto trace = current_trace_id();
    if (trace.empty())
      return;
    static constexpr std::string_view key = " trace=";
    dest.append(key.data(), key.data() + key.size());
    dest.append(trace.data(), trace.data() + trace.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<trace_flag>();
  }
};

} // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

caf::error setup_logging(const config::log_config& cfg, const std::string& node) {
  return setup_logging(cfg, node, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
}

caf::error setup_logging(const config::log_config& cfg, const std::string& node,
                         std::shared_ptr<spdlog::sinks::sink> sink) {
  auto level = spdlog::level::from_str(cfg.level);
  if (level == spdlog::level::off && cfg.level != "off")
    return caf::make_error(config::config_errc::invalid_value,
                           "unknown log level '" + cfg.level + "'");
  // Not registered by name: a process (or a test) may set logging up more than once.
  auto logger = std::make_shared<spdlog::logger>("smith." + node, std::move(sink));
  if (cfg.format == config::log_format::json) {
    logger->set_formatter(std::make_unique<json_formatter>(node));
  } else {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<trace_flag>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [" + node
                                             + "] %v%*");
    logger->set_formatter(std::move(f));
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return {};
}

} // namespace smith::log
