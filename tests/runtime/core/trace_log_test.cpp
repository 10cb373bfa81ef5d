// Trace context in log lines: text `trace=<id>`, JSON `trace_id`, only inside a trace scope.
#include <doctest/doctest.h>

#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "runtime/log/logging.hpp"
#include "runtime/log/trace_context.hpp"

using namespace smith;

namespace {

constexpr const char* trace_log_parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* trace_log_id = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Installs logging into a string stream for the test's duration, then restores the logger.
struct captured_log {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

  explicit captured_log(config::log_format format) {
    config::log_config cfg;
    cfg.level = "debug";
    cfg.format = format;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    REQUIRE_FALSE(log::setup_logging(cfg, "t1", sink));
  }

  ~captured_log() { spdlog::set_default_logger(previous); }

  std::vector<std::string> lines() {
    spdlog::default_logger()->flush();
    std::vector<std::string> ls;
    std::istringstream in{out.str()};
    for (std::string l; std::getline(in, l);)
      ls.push_back(l);
    return ls;
  }
};

} // namespace

TEST_CASE("text log lines end with trace=<id> inside a trace scope and only there") {
  captured_log cap{config::log_format::text};
  spdlog::info("before");
  {
    log::trace_scope scope{trace_log_parent};
    CHECK(log::current_trace_id() == trace_log_id);
    spdlog::info("handling");
    {
      log::trace_scope inner{""};
      spdlog::info("untraced inside");
    }
    spdlog::warn("still handling");
  }
  spdlog::info("after");
  auto ls = cap.lines();
  REQUIRE(ls.size() == 5);
  auto tag = std::string{" trace="} + trace_log_id;
  CHECK(ls[0].find("trace=") == std::string::npos);
  CHECK(ls[1].size() > tag.size());
  CHECK(ls[1].find("[t1] handling" + tag) != std::string::npos);
  CHECK(ls[2].find("trace=") == std::string::npos);
  CHECK(ls[3].find("still handling" + tag) != std::string::npos);
  CHECK(ls[4].find("trace=") == std::string::npos);
  CHECK(log::current_traceparent().empty());
}

TEST_CASE("json log lines carry a trace_id field inside a trace scope and stay valid JSON") {
  captured_log cap{config::log_format::json};
  {
    log::trace_scope scope{trace_log_parent};
    spdlog::info("with \"quotes\"");
  }
  {
    log::trace_scope bad{"00-\"injected\"-00f067aa0ba902b7-01-xxxxxxxxxxxxxxxxxxxxxxxx"};
    CHECK(log::current_trace_id().empty()); // not a traceparent: no id to print
    spdlog::info("malformed context");
  }
  spdlog::info("plain");
  auto ls = cap.lines();
  REQUIRE(ls.size() == 3);
  auto traced = nlohmann::json::parse(ls[0]);
  CHECK(traced["trace_id"] == trace_log_id);
  CHECK(traced["msg"] == "with \"quotes\"");
  CHECK(traced["node"] == "t1");
  for (size_t i = 1; i < 3; ++i) {
    auto j = nlohmann::json::parse(ls[i], nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CHECK_FALSE(j.contains("trace_id"));
  }
}
