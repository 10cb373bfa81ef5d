// smith-bench: runs each scenario through Smith agents and as raw CAF, prints one line per figure.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/report.hpp"

namespace {

using namespace smith::bench;

/// sysexits.h EX_USAGE: the command line was wrong.
constexpr int exit_usage = 64;

/// Command-line state besides the scenario options.
struct cli {
  std::vector<std::string> names;
  bool json = false;
  bool list = false;
  options opts;
};

void add_options(CLI::App& app, cli& c) {
  app.add_option("scenario", c.names, "Scenarios to run (default: all; see --list)");
  app.add_flag("--json", c.json, "Print one JSON object per line instead of key=value lines");
  app.add_flag("--list", c.list, "List the scenarios and exit");
  app.add_option("--scale", c.opts.scale, "Multiply every count by this factor (e.g. 0.01)")
    ->check(CLI::Range(1e-6, 1e3));
  app.add_option("--policy", c.opts.policy, "Scheduler policy: sharing, stealing or affinity")
    ->check(CLI::IsMember({"sharing", "stealing", "affinity"}));
  app.add_option("--threads", c.opts.threads, "Scheduler threads (default: hardware threads)")
    ->check(CLI::Range(1, 1024));
  app.add_option("--reps", c.opts.reps, "Repetitions per side; lines report the median (default 3)")
    ->check(CLI::Range(1, 100));
  app.add_option("--side", c.opts.side, "Run only one side (profiling): both, smith or baseline")
    ->check(CLI::IsMember({"both", "smith", "baseline"}));
  app.add_option("--inline-dispatch", c.opts.inline_dispatch,
                 "Bridge scenarios: run woken actors on NATS delivery threads (default true)");
  app.add_option("--inline-one-way", c.opts.inline_one_way,
                 "Bridge scenarios: one-way messages too (default false)");
}

/// The scenarios named on the command line, or std::nullopt after reporting an unknown name.
std::optional<std::vector<const scenario*>> select(const std::vector<std::string>& names) {
  std::vector<const scenario*> out;
  for (auto& s : all_scenarios())
    if (names.empty())
      out.push_back(&s);
  for (auto& name : names) {
    const scenario* hit = nullptr;
    for (auto& s : all_scenarios())
      if (s.name == name)
        hit = &s;
    if (hit == nullptr) {
      std::string known;
      for (auto& s : all_scenarios()) {
        if (!known.empty())
          known += ", ";
        known += s.name;
      }
      std::fprintf(stderr, "smith-bench: unknown scenario '%s' (known: %s)\n", name.c_str(),
                   known.c_str());
      return std::nullopt;
    }
    out.push_back(hit);
  }
  return out;
}

/// Runs `chosen` in order; returns the process exit code.
int run_all(const std::vector<const scenario*>& chosen, const cli& c) {
  note(fmt::format("policy={} threads={} scale={} reps={} inline_dispatch={} one_way={}",
                   c.opts.policy, thread_count(c.opts), c.opts.scale, c.opts.reps,
                   c.opts.inline_dispatch, c.opts.inline_one_way));
  int rc = 0;
  auto t0 = now_ns();
  for (auto* s : chosen) {
    auto t = now_ns();
    auto res = s->run(c.opts);
    if (!res) {
      std::fprintf(stderr, "smith-bench: scenario %s failed: %s\n", s->name.c_str(),
                   describe_failure(res.error()).c_str());
      rc = 1;
      continue;
    }
    for (auto& line : *res)
      print(line, c.json);
    note(fmt::format("{} took {:.1f} s", s->name, static_cast<double>(now_ns() - t) / 1e9));
  }
  note(fmt::format("total {:.1f} s", static_cast<double>(now_ns() - t0) / 1e9));
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  // stdout carries only result lines: Smith's log lines (warnings of the cluster scenarios)
  // go to stderr with the bench's own notes.
  spdlog::set_default_logger(spdlog::stderr_color_mt("smith-bench"));
  CLI::App app{"Smith agents vs raw CAF doing the same work, one line per figure.\n"
               "Output: scenario=<name> smith=<v> baseline=<v> unit=<u> ratio=<smith/baseline>"};
  cli c;
  add_options(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? 0 : exit_usage;
  }
  if (c.list) {
    for (auto& s : all_scenarios())
      std::printf("%-10s %s\n", s.name.c_str(), s.summary.c_str());
    return 0;
  }
  auto chosen = select(c.names);
  if (!chosen)
    return exit_usage;
  return run_all(*chosen, c);
}
