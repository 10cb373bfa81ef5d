// The exposition format writer.
#include "runtime/metrics/prom_writer.hpp"

#include <charconv>
#include <cmath>

namespace smith::metrics {

namespace {

const char* prom_type_name(metric_type t) {
  switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
  }
  return "untyped";
}

/// HELP text escapes only backslash and newline.
std::string prom_escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

} // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double x) {
  if (std::isnan(x))
    return "NaN";
  if (std::isinf(x))
    return x > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

void prom_writer::family(std::string_view name, std::string_view help, metric_type type) {
  out_.append("# HELP ").append(name).append(" ").append(prom_escape_help(help)).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(prom_type_name(type)).append("\n");
}

void prom_writer::labels_out(const labels& ls, std::string_view le) {
  if (ls.empty() && le.empty())
    return;
  out_ += '{';
  bool first = true;
  for (auto& [k, v] : ls) {
    if (!first)
      out_ += ',';
    first = false;
    out_.append(k).append("=\"").append(escape_label_value(v)).append("\"");
  }
  if (!le.empty())
    out_.append(first ? "" : ",").append("le=\"").append(le).append("\"");
  out_ += '}';
}

void prom_writer::sample(std::string_view name, const labels& ls, double value) {
  out_.append(name);
  labels_out(ls);
  out_.append(" ").append(format_value(value)).append("\n");
}

void prom_writer::sample(std::string_view name, const labels& ls, uint64_t value) {
  out_.append(name);
  labels_out(ls);
  out_.append(" ").append(std::to_string(value)).append("\n");
}

void prom_writer::histogram(std::string_view name, const labels& ls,
                            std::span<const double> bounds, std::span<const uint64_t> counts,
                            double sum) {
  std::string base{name};
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    out_.append(base).append("_bucket");
    labels_out(ls, i < bounds.size() ? format_value(bounds[i]) : "+Inf");
    out_.append(" ").append(std::to_string(cumulative)).append("\n");
  }
  sample(base + "_sum", ls, sum);
  sample(base + "_count", ls, cumulative);
}

} // namespace smith::metrics
