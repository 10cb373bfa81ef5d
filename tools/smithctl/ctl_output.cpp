// Tables and JSON for smithctl.
#include "tools/smithctl/ctl_output.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <google/protobuf/util/json_util.h>

#include "smith/agent/v1/agent.pb.h"

namespace smith::ctl {

nlohmann::json to_json(const google::protobuf::Message& msg) {
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(msg, &text, opts).ok())
    return nlohmann::json::object();
  return parse_json(text);
}

nlohmann::json parse_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump() << std::endl;
}

int report(const failure& f, bool json) {
  if (json)
    print_json({{"error", {{"code", f.code}, {"message", f.message}}}, {"exit_code", f.exit}});
  else
    std::cerr << "smithctl: " << f.message << '\n';
  return f.exit;
}

table::table(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

void table::add(std::vector<std::string> row) {
  row.resize(rows_.front().size());
  rows_.push_back(std::move(row));
}

void table::print(std::ostream& os) const {
  std::vector<size_t> width(rows_.front().size(), 0);
  for (auto& r : rows_)
    for (size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  for (auto& r : rows_) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size())
        line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    os << line << '\n';
  }
}

std::string human_duration(int64_t s, int32_t nanos) {
  auto two = [](int64_t a, const char* ua, int64_t b, const char* ub) {
    return std::to_string(a) + ua + " " + std::to_string(b) + ub;
  };
  if (s >= 86400)
    return two(s / 86400, "d", s % 86400 / 3600, "h");
  if (s >= 3600)
    return two(s / 3600, "h", s % 3600 / 60, "m");
  if (s >= 60)
    return two(s / 60, "m", s % 60, "s");
  auto tenths = nanos / 100000000;
  return std::to_string(s) + "." + std::to_string(tenths) + "s";
}

std::string clock_time(int64_t seconds, int32_t nanos) {
  auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos / 1000000);
  return buf;
}

std::string short_name(const std::string& name, std::string_view prefix) {
  auto out = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string state_name(int state) {
  return short_name(
    agent::v1::LifecycleState_Name(static_cast<agent::v1::LifecycleState>(state)),
    "LIFECYCLE_STATE_");
}

} // namespace smith::ctl
