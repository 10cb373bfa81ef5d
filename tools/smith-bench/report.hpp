// Rendering of smith-bench results as key=value lines or JSON lines.
#pragma once

#include <string>

#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

/// smith/baseline, or 0 when the baseline is 0 (nothing to compare against).
double ratio(const result& x);

/// "scenario=<name> smith=<v> baseline=<v> unit=<unit> ratio=<smith/baseline>".
std::string format_line(const result& x);

/// The same fields as one JSON object on one line.
std::string format_json(const result& x);

/// Writes `x` to stdout in the chosen format and flushes, so that partial runs
/// still leave their finished lines behind.
void print(const result& x, bool json);

} // namespace smith::bench
