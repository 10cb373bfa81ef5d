// smithctl's output: aligned tables for humans, JSON objects for --json, errors in both.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include "tools/smithctl/ctl_client.hpp"

namespace smith::ctl {

/// A protobuf message as JSON (field names as in the .proto, defaults printed).
nlohmann::json to_json(const google::protobuf::Message& msg);

/// Parses JSON text rendered by a node; a string holding the text when it does not parse.
nlohmann::json parse_json(const std::string& text);

/// Prints `j` on stdout (one line, then a newline).
void print_json(const nlohmann::json& j);

/// Reports `f` (stderr "smithctl: message" for humans; stdout
/// {"error": {"code", "message"}, "exit_code"} with --json) and returns its exit code.
int report(const failure& f, bool json);

/// Columns aligned to their widest cell; the first row is the header.
class table {
public:
  explicit table(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  /// Prints the rows; the last column is not padded.
  void print(std::ostream& os) const;
  size_t rows() const noexcept { return rows_.size() - 1; }

private:
  std::vector<std::vector<std::string>> rows_;
};

/// "1d 2h", "3h 4m", "5m 6s", "7.8s" from a Duration.
std::string human_duration(int64_t seconds, int32_t nanos);

/// A Timestamp as "2026-11-21 20:42:50.922Z" (UTC, milliseconds).
std::string clock_time(int64_t seconds, int32_t nanos);

/// An enum value name without `prefix`, lowercased ("CONTROL_OP_STOP" -> "stop").
std::string short_name(const std::string& name, std::string_view prefix);

/// Lifecycle state name without its prefix ("active").
std::string state_name(int state);

} // namespace smith::ctl
