// The bench's own nats-server.
#include "tools/smith-bench/nats_launcher.hpp"

#include <filesystem>
#include <vector>

#include <unistd.h>

#include "tools/nats_process/nats_process.hpp"
#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

constexpr auto launcher_start_timeout = std::chrono::seconds{15};
constexpr auto launcher_stop_grace = std::chrono::seconds{5};

} // namespace

caf::expected<std::unique_ptr<nats_launcher>> nats_launcher::start() {
  std::unique_ptr<nats_launcher> out{new nats_launcher};
  char tmpl[] = "/tmp/smith-bench-nats-XXXXXX";
  if (mkdtemp(tmpl) == nullptr)
    return failure("nats-server: mkdtemp failed");
  out->dir_ = tmpl;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto rc = out->try_start();
    if (rc == 1)
      return out;
    if (rc < 0)
      return failure("nats-server did not start:\n" + out->log());
  }
  return failure("nats-server: no free loopback port after 5 attempts");
}

nats_launcher::~nats_launcher() {
  nats_process::stop(pid_, launcher_stop_grace);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string nats_launcher::url() const {
  return "nats://127.0.0.1:" + std::to_string(port_);
}

std::string nats_launcher::log() const {
  return nats_process::read_file(dir_ + "/server.log")
         + nats_process::read_file(dir_ + "/stdio.log");
}

int nats_launcher::try_start() {
  port_ = nats_process::free_loopback_port();
  if (port_ == 0)
    return -1;
  std::filesystem::remove(dir_ + "/server.log");
  std::vector<std::string> argv{nats_process::server_binary(), "-a", "127.0.0.1", "-p",
                                std::to_string(port_), "-js", "-sd", dir_ + "/js", "-l",
                                dir_ + "/server.log"};
  pid_ = nats_process::spawn(argv, dir_ + "/stdio.log");
  if (pid_ < 0)
    return -1;
  auto outcome = nats_process::await_ready(pid_, [this] { return log(); },
                                           launcher_start_timeout);
  if (outcome == nats_process::start_outcome::ready)
    return 1;
  pid_ = -1;
  return outcome == nats_process::start_outcome::port_in_use ? 0 : -1;
}

} // namespace smith::bench
