// The web dashboard of a 3-node cluster: its JSON API, its page, and a browser watching a crash.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "runtime/http/http_server.hpp"
#include "tests/support/interop.hpp"
#include "tests/support/nats_server.hpp"
#include "tools/dashboard/dashboard_data.hpp"
#include "tests/tools/smithctl/smithctl_fixture.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

struct dashboard_endpoint {
  std::string host;
  uint16_t port = 0;
};

/// Splits "127.0.0.1:41234".
dashboard_endpoint dashboard_split(const std::string& address) {
  auto colon = address.rfind(':');
  REQUIRE(colon != std::string::npos);
  return {address.substr(0, colon), static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))};
}

/// GET `path`; fails the test when the node does not answer.
http::http_reply dashboard_get(const dashboard_endpoint& at, const std::string& path) {
  auto r = http::http_get(at.host, at.port, path, 5s);
  REQUIRE_MESSAGE(r, "GET " << path << " failed");
  return std::move(*r);
}

/// The child `id` in a tree rendered as JSON (admin Tree), or null.
const nlohmann::json* dashboard_child(const nlohmann::json& sup, const std::string& id) {
  auto children = sup.find("children");
  if (children == sup.end())
    return nullptr;
  for (auto& c : *children) {
    if (c.value("id", "") == id)
      return &c;
    if (c.contains("supervisor"))
      if (auto* x = dashboard_child(c["supervisor"], id))
        return x;
  }
  return nullptr;
}

} // namespace

TEST_CASE("the dashboard serves the cluster's tree, agents and stats, and a browser sees a crash") {
  auto& c = test::ctl_cluster::get();
  auto address = c.http_address(0);
  REQUIRE_MESSAGE(!address.empty(), c.logs());
  auto at = dashboard_split(address);

  auto page = dashboard_get(at, "/");
  CHECK(page.status == 200);
  CHECK(page.content_type.rfind("text/html", 0) == 0);
  CHECK(page.body.find("<script src=\"app.js\">") != std::string::npos);
  auto js = dashboard_get(at, "/app.js");
  CHECK(js.status == 200);
  CHECK(js.content_type.rfind("text/javascript", 0) == 0);
  CHECK(js.body.find("api/cluster") != std::string::npos);
  CHECK(dashboard_get(at, "/app.css").status == 200);
  CHECK(nlohmann::json::parse(dashboard_get(at, "/api/node").body)["node"] == "n1");

  auto api = dashboard_get(at, "/api/cluster");
  REQUIRE(api.status == 200);
  CHECK(api.content_type == "application/json");
  auto snap = nlohmann::json::parse(api.body);
  CHECK(snap["errors"].empty());
  CHECK(snap["nodes"].size() == 3);
  CHECK(snap["silent"].empty());
  REQUIRE(snap["trees"].size() == 3);
  CHECK(snap["agents"].size() == 9);
  REQUIRE(snap["stats"].size() == 3);
  CHECK(snap["stats"][1]["node"] == "n2");
  CHECK(snap["stats"][1]["agents"].size() == 3);
  auto& n2 = snap["trees"][1];
  CHECK(n2["node"] == "n2");
  auto* counter = dashboard_child(n2["root"], "counter-n2-1");
  REQUIRE(counter != nullptr);
  CHECK((*counter)["restarts"] == "0");
  CHECK((*counter)["status"] == "running");

  // The browser: Debian's chromium through playwright-core (tests/interop/node's packages).
  auto modules = test::interop_dir() / "node_modules";
  REQUIRE_MESSAGE(std::filesystem::exists(modules / "playwright-core"),
                  "run `npm ci` in tests/interop/node (tools/test.sh does)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "install Debian's chromium (tools/lib/common.sh lists it)");
  auto script = std::filesystem::path{SMITH_TEST_SOURCE_DIR} / "tests/tools/dashboard/dashboard.test.mjs";
  test::child_process driver{{"/usr/bin/env", "node", script.string(), "http://" + address + "/",
                              test::bin_path("smithctl"), c.url(), "counter-n2-1",
                              modules.string()}};
  auto rc = driver.wait_exit(60s);
  REQUIRE_MESSAGE(rc == 0, driver.output() << "\n" << c.logs());

  // The crash the browser saw was a real one: the supervisor recorded the kill and restarted.
  auto events = c.ctl({"--json", "events", "counter-n2-1"}).json();
  bool killed = false;
  for (auto& e : events.value("events", nlohmann::json::array()))
    killed = killed || (e.value("kind", "") == "child_exited" && e.value("reason", "").find("kill") != std::string::npos);
  CHECK_MESSAGE(killed, events.dump());
  auto after = nlohmann::json::parse(dashboard_get(at, "/api/cluster").body);
  CHECK((*dashboard_child(after["trees"][1]["root"], "counter-n2-1"))["restarts"] == "1");
}

TEST_CASE("a dashboard snapshot without a connection or without nodes says why, with no parts") {
  dashboard::cluster_source none{[] { return std::shared_ptr<nats::connection>{}; }, "node x", 200ms};
  auto snap = none.snapshot();
  REQUIRE(snap["errors"].size() == 1);
  CHECK(snap["errors"][0]["code"] == "UNREACHABLE");
  CHECK(snap["errors"][0]["message"].get<std::string>().find("node x has no NATS connection")
        != std::string::npos);
  CHECK(snap["nodes"].empty());
  CHECK(snap["trees"].empty());

  test::nats_server server; // a NATS without any Smith node on it
  nats::nats_options o;
  o.urls = {server.url()};
  auto conn = nats::connection::connect(o);
  REQUIRE(conn);
  dashboard::cluster_source empty{[c = *conn] { return c; }, "node y", 200ms};
  auto lonely = empty.snapshot();
  REQUIRE(lonely["errors"].size() == 1);
  CHECK(lonely["errors"][0]["verb"] == "info");
  CHECK(lonely["errors"][0]["message"].get<std::string>().find("no Smith node answered")
        != std::string::npos);
  CHECK(lonely["nodes"].empty());
  CHECK(lonely["agents"].empty());
}
