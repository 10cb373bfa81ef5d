// A Node.js client calls the kv agent of a running smithd, knowing only contracts/.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/bridge/wire.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/kv/v1/kv.pb.h"
#include "tests/support/nats_server.hpp"
#include "tests/support/interop.hpp"
#include "tests/support/process.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

/// A request the agent answers without side effects.
std::string ready_probe() {
  kv::v1::Retrieve req;
  req.set_key("ready?");
  return req.SerializeAsString();
}

} // namespace

TEST_CASE("a Node.js client uses the kv domain of smithd from the documented contracts alone") {
  REQUIRE_MESSAGE(std::filesystem::exists(test::interop_dir() / "node_modules"),
                  "run `npm ci` in tests/interop/node (tools/test.sh does)");
  test::nats_server server;
  auto dir = std::filesystem::path{server.dir()} / "smithd";
  std::filesystem::create_directories(dir);
  auto cfg = dir / "node.toml";
  std::ofstream{cfg} << "[node]\nname = \"n1\"\ndata_dir = \"" << (dir / "data").string()
                     << "\"\n[nats]\nurls = [\"" << server.url()
                     << "\"]\n[[domain]]\nname = \"kv\"\nplugin = \"kv\"\n  [[domain.pool]]\n  agent = \"kv\"\n";
  test::child_process smithd{{test::bin_path("smithd"), "--config", cfg.string()}};
  REQUIRE_MESSAGE(test::wait_for_agent(server.url(), "agents.kv.kv-n1-1.retrieve",
                                       "smith.kv.v1.Retrieve", ready_probe()), smithd.output());
  test::child_process client{{"/usr/bin/env", "node", (test::interop_dir() / "kv_client.mjs").string(),
                              server.url(),
                              (std::filesystem::path{SMITH_TEST_SOURCE_DIR} / "contracts").string(),
                              "kv-n1-1"}};
  auto rc = client.wait_exit(30s);
  CHECK_MESSAGE(rc == 0, client.output());
  smithd.signal(SIGTERM);
  CHECK(smithd.wait_exit(10s) == 0);
  CHECK(std::filesystem::exists(dir / "data" / "kv" / "kv-n1-1" / "CURRENT"));
}
