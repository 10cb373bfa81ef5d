// Child processes for end-to-end tests.
#include "tests/support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace smith::test {

child_process::child_process(std::vector<std::string> argv) {
  int fds[2];
  if (pipe(fds) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  fd_ = fds[0];
  fcntl(fd_, F_SETFL, O_NONBLOCK);
}

child_process::~child_process() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (fd_ >= 0)
    close(fd_);
}

bool child_process::read_some(std::chrono::milliseconds timeout) {
  if (eof_)
    return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
    return false;
  char buf[4096];
  auto n = read(fd_, buf, sizeof(buf));
  if (n <= 0) {
    eof_ = n == 0 || (errno != EAGAIN && errno != EINTR);
    return false;
  }
  partial_.append(buf, static_cast<size_t>(n));
  for (auto pos = partial_.find('\n'); pos != std::string::npos; pos = partial_.find('\n')) {
    lines_.push_back(partial_.substr(0, pos));
    partial_.erase(0, pos + 1);
  }
  return true;
}

bool child_process::wait_for_line(const std::function<bool(const std::string&)>& pred,
                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = 0;
  for (;;) {
    for (; checked < lines_.size(); ++checked)
      if (pred(lines_[checked]))
        return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || eof_)
      return false;
    read_some(left);
  }
}

void child_process::signal(int sig) {
  if (pid_ > 0 && status_ < 0)
    kill(pid_, sig);
}

int child_process::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (status_ < 0 && std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_)
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    else if (!read_some(std::chrono::milliseconds{20}) && eof_)
      usleep(1000); // output closed, process not reaped yet: poll the pid
  }
  while (read_some(std::chrono::milliseconds{0})) {
  }
  if (!partial_.empty())
    lines_.push_back(std::exchange(partial_, {}));
  return status_;
}

std::string child_process::output() const {
  std::string out;
  for (auto& l : lines_)
    out += l + "\n";
  return out;
}

std::string bin_path(const std::string& name) {
  auto dir = std::getenv("SMITH_BIN_DIR");
  return (dir != nullptr ? std::string{dir} : std::string{SMITH_TEST_BIN_DIR}) + "/" + name;
}

} // namespace smith::test
