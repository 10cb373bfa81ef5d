// smithd under systemd: the readiness protocol (Type=notify) and the shipped unit file.
#include <doctest/doctest.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith::test;
using namespace std::chrono_literals;

namespace {

/// A bound Unix datagram socket playing systemd's notification socket.
struct notify_socket {
  int fd = -1;
  std::string path;

  explicit notify_socket(std::string p) : path(std::move(p)) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~notify_socket() { ::close(fd); }

  /// The next datagram, or "" when none arrives within `timeout`.
  std::string next(std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
      return {};
    char buf[512];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string{};
  }
};

} // namespace

TEST_CASE("smithd notifies READY=1 only once its store is open and its tree runs") {
  temp_dir dir{"smithd-notify"};
  notify_socket sock{dir.str("notify")};
  auto data = dir.str("data");
  std::ofstream{dir.str("node.toml")}
    << "[node]\nname = \"svc\"\ndata_dir = \"" << data << "\"\n"
    << "[persistence]\nenabled = true\n"
    << "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
    << "  [[domain.pool]]\n  agent = \"counter\"\n";
  child_process smithd{{"/usr/bin/env", "NOTIFY_SOCKET=" + sock.path, bin_path("smithd"),
                        "--config", dir.str("node.toml")}};
  auto ready = sock.next(30s);
  REQUIRE_MESSAGE(ready.rfind("READY=1", 0) == 0, smithd.output());
  CHECK(ready.find("STATUS=node svc serving") != std::string::npos);
  CHECK(std::filesystem::exists(std::filesystem::path{data} / "events" / "CURRENT"));
  smithd.signal(SIGTERM);
  CHECK(sock.next(30s) == "STOPPING=1");
  CHECK(smithd.wait_exit(30s) == 0);
}

TEST_CASE("smithd without NOTIFY_SOCKET runs as before (not under systemd)") {
  temp_dir dir{"smithd-notify"};
  std::ofstream{dir.str("node.toml")} << "[node]\nname = \"plain\"\n";
  child_process smithd{{bin_path("smithd"), "--config", dir.str("node.toml")}};
  REQUIRE(smithd.wait_for_line([](const std::string& l) { return l.find("up:") != std::string::npos; },
                               30s));
  smithd.signal(SIGTERM);
  CHECK(smithd.wait_exit(30s) == 0);
}

TEST_CASE("the shipped systemd unit passes systemd-analyze verify") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/systemd-analyze"),
                  "systemd-analyze (Debian package systemd) is needed to check the unit");
  temp_dir dir{"smithd-unit"};
  std::ifstream in{std::string{SMITH_TEST_SOURCE_DIR} + "/config/smithd.service"};
  REQUIRE(in);
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  // The unit names the installed path; point it at the built binary so verify finds it.
  for (size_t pos; (pos = text.find("/usr/bin/smithd")) != std::string::npos;)
    text.replace(pos, 15, bin_path("smithd"));
  std::ofstream{dir.str("smithd.service")} << text;
  child_process verify{{"/usr/bin/systemd-analyze", "verify", dir.str("smithd.service")}};
  auto rc = verify.wait_exit(60s);
  CHECK_MESSAGE(rc == 0, verify.output());
  CHECK_MESSAGE(verify.output().empty(), verify.output()); // no warnings either
}
