// tools/cluster.sh as a process: up, status, a cross-node call, down, port clashes.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "runtime/bridge/wire.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/process.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

std::string script() {
  return (fs::path{SMITH_TEST_SOURCE_DIR} / "tools" / "cluster.sh").string();
}

/// A cluster dir of its own and a random port base; `down` at the end whatever happened.
struct cluster_fixture {
  fs::path dir;
  int base = 0;

  cluster_fixture() {
    dir = fs::temp_directory_path() / ("smith-cluster-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::random_device rd;
    base = 20000 + static_cast<int>(rd() % 2000) * 10; // 20000..39990, +4002 stays < 45000
    ::setenv("SMITH_SMITHD", test::bin_path("smithd").c_str(), 1);
    ::setenv("SMITH_CLUSTER_PORT_BASE", std::to_string(base).c_str(), 1);
  }

  ~cluster_fixture() {
    run("down", 60s);
    fs::remove_all(dir);
  }

  /// Runs `cluster.sh cmd --dir dir`; the exit code, its output in `out`.
  int run(const std::string& cmd, std::chrono::milliseconds timeout, std::string* out = nullptr) {
    test::child_process p{{"/bin/bash", script(), cmd, "--dir", dir.string()}};
    auto rc = p.wait_exit(timeout);
    if (out)
      *out = p.output();
    return rc;
  }

  std::string pid_of(const std::string& name) {
    std::ifstream in{dir / (name + ".pid")};
    std::string pid;
    in >> pid;
    return pid;
  }
};

/// Calls examples/echo-n2-1 over NATS through nats-1, retrying while its subscription
/// propagates over the routes.
std::string call_echo_n2(int base) {
  nats::nats_options o;
  o.urls = {"nats://127.0.0.1:" + std::to_string(base)};
  auto conn = nats::connection::connect(o);
  REQUIRE(conn);
  examples::v1::EchoRequest req;
  req.set_text("via nats-1");
  auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    auto hs = bridge::request_headers("smith.examples.v1.EchoRequest",
                                      std::chrono::system_clock::now() + 1s, {}, {}, {});
    auto r = (*conn)->request("agents.examples.echo-n2-1.echo", hs, req.SerializeAsString(), 1s);
    examples::v1::EchoReply rep;
    if (r && !r->no_responders && rep.ParseFromString(r->data) && !rep.text().empty())
      return rep.text();
    std::this_thread::sleep_for(50ms);
  }
  return {};
}

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("cluster.sh up starts a routed JetStream cluster with three nodes, status and down "
          "follow it") {
  REQUIRE_FALSE(test::bin_path("smithd").empty());
  cluster_fixture c;
  std::string out;
  auto rc = c.run("up", 60s, &out);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(contains(out, "JetStream meta leader nats-"));
  CHECK(contains(out, "routes 2/2"));
  CHECK(call_echo_n2(c.base).rfind("echo-n2-1 #", 0) == 0);

  CHECK(c.run("up", 60s, &out) == 0); // idempotent: nothing new starts
  CHECK(contains(out, "smithd n3 already running"));
  CHECK(c.run("status", 30s, &out) == 0);

  REQUIRE(::kill(std::stoi(c.pid_of("smithd-n3")), SIGKILL) == 0);
  auto until = std::chrono::steady_clock::now() + 10s;
  while (c.run("status", 30s, &out) == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  CHECK(contains(out, "last exit code 137"));

  rc = c.run("down", 60s, &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(contains(out, "smithd n1 stopped, exit code 0"));
  CHECK(contains(out, "smithd n2 stopped, exit code 0"));
  CHECK(contains(out, "nats-1 stopped"));
  CHECK(c.run("status", 30s, &out) != 0);
  CHECK(contains(out, "the cluster is not running"));
}

TEST_CASE("cluster.sh up names the port that is already in use and starts nothing") {
  REQUIRE_FALSE(test::bin_path("smithd").empty());
  cluster_fixture c;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(c.base + 2000 + 1)); // route port of nats-2
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  std::string out;
  auto rc = c.run("up", 60s, &out);
  ::close(fd);
  INFO(out);
  CHECK(rc != 0);
  CHECK(contains(out, "port " + std::to_string(c.base + 2001) + " (route port of nats-2) is in use"));
  CHECK(c.run("down", 60s, &out) == 0);
  CHECK(contains(out, "nats-1 not running"));
}

TEST_CASE("smithd --probe refuses bad node lists, kill targets and configs without NATS") {
  REQUIRE_FALSE(test::bin_path("smithd").empty());
  auto refused = [](std::vector<std::string> args, const std::string& needle) {
    args.insert(args.begin(), test::bin_path("smithd"));
    test::child_process p{args};
    auto rc = p.wait_exit(5s);
    INFO(p.output());
    CHECK(rc == 64);
    CHECK(contains(p.output(), needle));
  };
  refused({"--probe", "n1,a.b"}, "'a.b' is not a node name");
  refused({"--probe", "n1,n1"}, "node 'n1' is listed twice");
  refused({"--probe", "n1,n2", "--probe-kill", "n3:12"}, "NODE one of --probe");
  refused({"--probe", "n1", "--probe-kill", "n1:x"}, "'x' is not a pid");
  refused({"--probe-kill", "n1:1"}, "requires --probe");
  refused({"--probe", "n1"}, "--probe needs a config with [nats] urls");
}
