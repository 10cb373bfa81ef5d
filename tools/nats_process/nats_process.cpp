// Starting and stopping a local nats-server process.
#include "tools/nats_process/nats_process.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace smith::nats_process {

namespace {

using clock_type = std::chrono::steady_clock;

/// Period of polling a log or a process (polling, not synchronisation).
constexpr auto nats_process_poll = std::chrono::milliseconds{10};

bool exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

} // namespace

int free_loopback_port() {
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

std::string server_binary() {
  if (access("/usr/sbin/nats-server", X_OK) == 0)
    return "/usr/sbin/nats-server";
  return "nats-server";
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& stdio_path) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) // the parent died before prctl took effect
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

start_outcome await_ready(pid_t pid, const std::function<std::string()>& log,
                          std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    auto text = log();
    if (text.find("Server is ready") != std::string::npos)
      return start_outcome::ready;
    bool in_use = text.find("address already in use") != std::string::npos;
    bool gone = exited(pid);
    if (in_use || gone || text.find("[FTL]") != std::string::npos
        || clock_type::now() > deadline) {
      if (!gone)
        kill9(pid);
      return in_use ? start_outcome::port_in_use : start_outcome::failed;
    }
    std::this_thread::sleep_for(nats_process_poll);
  }
}

void stop(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0)
    return;
  kill(pid, SIGTERM);
  auto deadline = clock_type::now() + grace;
  while (!exited(pid)) {
    if (clock_type::now() > deadline) {
      kill9(pid);
      return;
    }
    std::this_thread::sleep_for(nats_process_poll);
  }
}

void kill9(pid_t pid) {
  if (pid <= 0)
    return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

} // namespace smith::nats_process
