// Rendering of smith-bench results.
#include "tools/smith-bench/report.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace smith::bench {

namespace {

/// Large figures (rates, bytes) as integers, small ones (microseconds) with two decimals.
std::string number(double v) {
  if (!std::isfinite(v))
    return "0";
  if (std::fabs(v) >= 1000.0)
    return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

} // namespace

double ratio(const result& x) {
  return x.baseline != 0.0 ? x.smith / x.baseline : 0.0;
}

std::string format_line(const result& x) {
  return fmt::format("scenario={} smith={} baseline={} unit={} ratio={:.3f}", x.scenario,
                     number(x.smith), number(x.baseline), x.unit, ratio(x));
}

std::string format_json(const result& x) {
  // Names and units are fixed identifiers without quotes or backslashes.
  return fmt::format(R"({{"scenario":"{}","smith":{},"baseline":{},"unit":"{}","ratio":{:.3f}}})",
                     x.scenario, number(x.smith), number(x.baseline), x.unit, ratio(x));
}

void print(const result& x, bool json) {
  auto text = json ? format_json(x) : format_line(x);
  std::fprintf(stdout, "%s\n", text.c_str());
  std::fflush(stdout);
}

} // namespace smith::bench
