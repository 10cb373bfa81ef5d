// Starting and stopping a local nats-server process: shared by smith-bench and the tests.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace smith::nats_process {

/// A port on 127.0.0.1 that was free a moment ago; 0 when none could be bound.
int free_loopback_port();

/// "/usr/sbin/nats-server" (Debian's) when it is there, else "nats-server" (found on PATH).
std::string server_binary();

/// The whole content of the file at `path`; empty when it cannot be read.
std::string read_file(const std::string& path);

/// Starts `argv` (argv[0] searched on PATH) with stdin from /dev/null and stdout and stderr
/// written to `stdio_path` (truncated). The child dies with this process (PR_SET_PDEATHSIG),
/// even when it crashes. Returns the child's pid, or -1 when fork fails.
pid_t spawn(const std::vector<std::string>& argv, const std::string& stdio_path);

/// How a server start ended.
enum class start_outcome {
  ready,       ///< it logged "Server is ready"
  port_in_use, ///< one of its ports was taken: try others
  failed,      ///< it exited, logged a fatal error or did not get ready in time
};

/// Waits (polling `log`, the server's output so far) until the server `pid` is ready, fails
/// or `timeout` passes. Unless it is ready the process is killed and reaped.
start_outcome await_ready(pid_t pid, const std::function<std::string()>& log,
                          std::chrono::milliseconds timeout);

/// Stops `pid`: SIGTERM, then SIGKILL when it has not exited after `grace`; reaps it.
void stop(pid_t pid, std::chrono::milliseconds grace);

/// SIGKILL and reap (no graceful shutdown).
void kill9(pid_t pid);

} // namespace smith::nats_process
