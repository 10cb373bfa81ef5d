// Each node of the 3-node cluster serves HTTP at the address `smithctl nodes` reports, and
// its /metrics counts the requests smithctl sends through NATS.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "runtime/http/http_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// GET `path` from "host:port".
smith::http::http_reply ctl_http_get(const std::string& addr, const std::string& path) {
  auto colon = addr.rfind(':');
  REQUIRE(colon != std::string::npos);
  auto r = smith::http::http_get(addr.substr(0, colon),
                                 static_cast<uint16_t>(std::stoi(addr.substr(colon + 1))), path,
                                 2s);
  REQUIRE(r);
  return *r;
}

/// The value of the sample `series` (name and labels exactly) in `text`, or -1.
double ctl_sample(const std::string& text, const std::string& series) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  return -1;
}

} // namespace

TEST_CASE("every node serves /metrics at its http_address and counts requests sent to it") {
  auto& c = ctl_cluster::get();
  auto r = c.ctl({"nodes", "--json"});
  INFO(r.out);
  REQUIRE(r.rc == 0);
  auto nodes = r.json()["nodes"];
  REQUIRE(nodes.size() == 3);
  std::map<std::string, std::string> addr;
  for (auto& n : nodes) {
    auto name = n["node"].get<std::string>();
    addr[name] = n["http_address"].get<std::string>();
    CHECK(addr[name].rfind("127.0.0.1:", 0) == 0);
    CHECK(ctl_http_get(addr[name], "/readyz").status == 200);
    auto m = ctl_http_get(addr[name], "/metrics");
    CHECK(m.status == 200);
    CHECK(m.body.find("smith_node_info{node=\"" + name + "\"") != std::string::npos);
  }
  const std::string series = "smith_bridge_requests_total{domain=\"examples\",action=\"echo\"}";
  auto before = std::max(0.0, ctl_sample(ctl_http_get(addr["n2"], "/metrics").body, series));
  for (int i = 0; i < 3; ++i) {
    auto e = c.ctl({"--json", "send", "echo-n2-1", "echo", "--json", "{\"text\": \"hi\"}"});
    REQUIRE_MESSAGE(e.rc == 0, e.out);
  }
  auto text = ctl_http_get(addr["n2"], "/metrics").body;
  INFO(text);
  CHECK(ctl_sample(text, series) >= before + 3);
  CHECK(ctl_sample(text, "smith_registry_agents{scope=\"remote\"}") == 6);
  // The real output of a clustered node with persistence, checked by Prometheus' own linter.
  temp_dir dir{"smithctl-metrics"};
  std::ofstream{dir.str("m.txt")} << text;
  child_process promtool{{"/bin/sh", "-c", "promtool check metrics < '" + dir.str("m.txt") + "'"}};
  auto rc = promtool.wait_exit(10s);
  INFO(promtool.output());
  CHECK(rc == 0);
  CHECK(promtool.output().empty());
}
