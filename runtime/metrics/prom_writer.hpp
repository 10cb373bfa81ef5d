// Prometheus text exposition format 0.0.4, written by hand (no client library in Debian 12).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smith::metrics {

/// Content-Type of the text exposition format.
inline constexpr const char* prom_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Metric types as the `# TYPE` line spells them.
enum class metric_type { counter, gauge, histogram };

/// A label set: names (valid label names, written as is) and values (escaped on output).
using labels = std::vector<std::pair<std::string, std::string>>;

/// Builds one exposition document. Call family() once per metric name, then its samples;
/// families must not repeat (the caller groups samples by family). Not thread-safe.
class prom_writer {
public:
  /// Writes `# HELP name help` and `# TYPE name type`.
  void family(std::string_view name, std::string_view help, metric_type type);

  /// Writes one sample `name{labels} value` (`name` includes any _total/_bucket suffix).
  void sample(std::string_view name, const labels& ls, double value);

  /// Writes one integer sample (exact for counters above 2^53).
  void sample(std::string_view name, const labels& ls, uint64_t value);

  /// Writes a histogram's samples: `name_bucket{ls,le=...}` for every bound in `bounds`
  /// (upper bounds in base units, ascending) with the cumulative counts of `counts`
  /// (per bucket, non-cumulative, counts.size() == bounds.size() + 1, the last one for
  /// +Inf), then `name_sum` and `name_count`.
  void histogram(std::string_view name, const labels& ls, std::span<const double> bounds,
                 std::span<const uint64_t> counts, double sum);

  /// The document so far.
  const std::string& text() const noexcept { return out_; }

private:
  void labels_out(const labels& ls, std::string_view le = {});

  std::string out_;
};

/// `v` escaped for a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view v);

/// `x` rendered as the format wants a float: "+Inf", "-Inf", "NaN", or the shortest
/// round-tripping decimal.
std::string format_value(double x);

} // namespace smith::metrics
