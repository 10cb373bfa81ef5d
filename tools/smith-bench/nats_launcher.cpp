// The bench's own nats-server.
#include "tools/smith-bench/nats_launcher.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/smith-bench/bench.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// Period of polling the server's log for readiness (polling, not synchronisation).
constexpr auto poll_period = 10ms;
constexpr auto start_timeout = 15s;

/// A port on 127.0.0.1 that was free a moment ago (0 on failure).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

/// fork + exec with stdio redirected to `stdio_path`; -1 when fork fails.
pid_t spawn_server(const std::vector<std::string>& argv, const std::string& stdio_path) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(126);
  int in = open("/dev/null", O_RDONLY);
  int out = open(stdio_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(out, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

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
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string nats_launcher::url() const {
  return "nats://127.0.0.1:" + std::to_string(port_);
}

std::string nats_launcher::log() const {
  return read_text(dir_ + "/server.log") + read_text(dir_ + "/stdio.log");
}

int nats_launcher::try_start() {
  port_ = free_port();
  if (port_ == 0)
    return -1;
  std::filesystem::remove(dir_ + "/server.log");
  std::vector<std::string> argv{"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port_),
                                "-js", "-sd", dir_ + "/js", "-l", dir_ + "/server.log"};
  if (access("/usr/sbin/nats-server", X_OK) == 0)
    argv[0] = "/usr/sbin/nats-server";
  pid_ = spawn_server(argv, dir_ + "/stdio.log");
  if (pid_ < 0)
    return -1;
  auto deadline = clock_type::now() + start_timeout;
  for (;;) {
    auto text = log();
    if (text.find("Server is ready") != std::string::npos)
      return 1;
    bool in_use = text.find("address already in use") != std::string::npos;
    bool gone = exited(pid_);
    if (in_use || gone || text.find("[FTL]") != std::string::npos
        || clock_type::now() > deadline) {
      if (!gone) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      pid_ = -1;
      return in_use ? 0 : -1;
    }
    std::this_thread::sleep_for(poll_period);
  }
}

void nats_launcher::stop() {
  if (pid_ <= 0)
    return;
  kill(pid_, SIGTERM);
  auto deadline = clock_type::now() + 5s;
  while (!exited(pid_)) {
    if (clock_type::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(poll_period);
  }
  pid_ = -1;
}

} // namespace smith::bench
