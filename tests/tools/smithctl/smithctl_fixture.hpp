// A 3-node cluster of real smithd processes on a real nats-server, and a smithctl runner.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/nats_server.hpp"
#include "tests/support/process.hpp"

namespace smith::test {

/// What one smithctl run printed and returned.
struct ctl_result {
  int rc = -1;
  /// stdout and stderr, joined by lines.
  std::string out;
  /// `out` parsed as JSON (discarded when it does not parse).
  nlohmann::json json() const;
};

/// Runs build/bin/smithctl with `args` (no --server added) and waits for it (30 s at most).
ctl_result run_smithctl(std::vector<std::string> args);

/// Nodes n1, n2, n3 (domain examples: pools echo x2 and counter x1 each) joined through one
/// nats-server; started once per test process, ready when every node sees all 9 agents.
class ctl_cluster {
public:
  /// The process-wide cluster (started on first use).
  static ctl_cluster& get();

  /// smithctl --server <url> --timeout 5s <args...>.
  ctl_result ctl(std::vector<std::string> args) const;

  const std::string& url() const noexcept { return url_; }
  /// "host:port" of node `i`'s HTTP endpoint (n1 = 0) from its log line "http listening on
  /// ..."; empty when it logged none within 10 s.
  std::string http_address(size_t i);
  /// All nodes' output so far, for failure messages.
  std::string logs() const;

private:
  ctl_cluster();

  nats_server server_;
  std::string url_;
  std::vector<std::unique_ptr<child_process>> nodes_;
};

} // namespace smith::test
