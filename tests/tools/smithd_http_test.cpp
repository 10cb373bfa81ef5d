// smithd's HTTP endpoint as a process: the logged address, /healthz, /metrics, [http] errors.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>

#include "runtime/http/http_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith::test;
using namespace std::chrono_literals;

namespace {

/// The "host:port" smithd logged in "http listening on host:port", or "".
std::string smithd_http_address(child_process& p) {
  const std::string marker = "http listening on ";
  std::string found;
  p.wait_for_line(
    [&](const std::string& l) {
      auto i = l.find(marker);
      if (i != std::string::npos)
        found = l.substr(i + marker.size());
      return !found.empty();
    },
    30s);
  while (!found.empty() && (found.back() == '"' || found.back() == '}' || found.back() == ' '))
    found.pop_back(); // JSON log lines end in "}
  return found;
}

} // namespace

TEST_CASE("smithd logs its http address and serves /healthz and /metrics there") {
  temp_dir dir{"smithd-http"};
  std::ofstream{dir.str("node.toml")} << "[node]\nname = \"web\"\n[http]\nlisten = \"127.0.0.1:0\"\n"
                                      << "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                                      << "  [[domain.pool]]\n  agent = \"echo\"\n";
  child_process smithd{{bin_path("smithd"), "--config", dir.str("node.toml")}};
  auto addr = smithd_http_address(smithd);
  REQUIRE_MESSAGE(!addr.empty(), smithd.output());
  auto colon = addr.rfind(':');
  auto port = static_cast<uint16_t>(std::stoi(addr.substr(colon + 1)));
  CHECK(addr.substr(0, colon) == "127.0.0.1");
  auto health = smith::http::http_get("127.0.0.1", port, "/healthz", 2s);
  REQUIRE(health);
  CHECK(health->status == 200);
  auto metrics = smith::http::http_get("127.0.0.1", port, "/metrics", 2s);
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("smith_node_info{node=\"web\",version=\"") != std::string::npos);
  smithd.signal(SIGTERM);
  CHECK(smithd.wait_exit(30s) == 0);
}

TEST_CASE("smithd refuses a non-loopback http address without allow_remote, exit 78") {
  temp_dir dir{"smithd-http"};
  std::ofstream{dir.str("node.toml")} << "[node]\nname = \"web\"\n[http]\nlisten = \"0.0.0.0:9464\"\n";
  child_process smithd{{bin_path("smithd"), "--config", dir.str("node.toml")}};
  CHECK(smithd.wait_exit(5s) == 78);
  INFO(smithd.output());
  CHECK(smithd.output().find("node.toml:4:10: [http] listen address '0.0.0.0:9464' is not a "
                             "loopback address")
        != std::string::npos);
}
