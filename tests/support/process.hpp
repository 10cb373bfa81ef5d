// Runs a program as a child process and reads its stderr line by line, with deadlines.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace smith::test {

/// A child process whose stdout+stderr are captured. Killed (SIGKILL) and
/// reaped on destruction if still running.
class child_process {
public:
  /// Starts `argv[0]` with `argv`; throws std::runtime_error if it cannot.
  explicit child_process(std::vector<std::string> argv);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads output until a line satisfies `pred` or `timeout` passes.
  /// Returns whether such a line was seen. Every line read is kept in lines().
  bool wait_for_line(const std::function<bool(const std::string&)>& pred,
                     std::chrono::milliseconds timeout);

  /// Sends `sig` to the child.
  void signal(int sig);

  /// Waits for the child to exit (reading the rest of its output); returns its
  /// exit code, 128+signal if killed by a signal, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);

  const std::vector<std::string>& lines() const noexcept { return lines_; }

  /// All output joined with newlines (for failure messages).
  std::string output() const;

private:
  bool read_some(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  int status_ = -1;
};

/// Path of a built executable: $SMITH_BIN_DIR/<name>, else the build tree's bin/<name>.
std::string bin_path(const std::string& name);

} // namespace smith::test
