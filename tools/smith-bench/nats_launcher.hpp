// A private nats-server for the NATS scenarios: free loopback port, own temp dir, stopped at the end.
#pragma once

#include <memory>
#include <string>

#include <sys/types.h>

#include <caf/expected.hpp>

namespace smith::bench {

/// A nats-server child process bound to 127.0.0.1 with JetStream stored in its own temp
/// dir, started through tools/nats_process as the tests' fixture is (the bench does not link
/// the fixture, which throws). The destructor stops the server (SIGTERM, then SIGKILL) and removes the dir;
/// the server also dies with the bench process (PR_SET_PDEATHSIG).
class nats_launcher {
public:
  /// Starts a server and returns once it logged "Server is ready". Errors: a failure()
  /// naming what went wrong, with the server's log when it ran.
  static caf::expected<std::unique_ptr<nats_launcher>> start();

  ~nats_launcher();
  nats_launcher(const nats_launcher&) = delete;
  nats_launcher& operator=(const nats_launcher&) = delete;

  /// "nats://127.0.0.1:<port>".
  std::string url() const;

private:
  nats_launcher() = default;
  /// 1: ready; 0: the port was taken (try another); -1: failed (see log()).
  int try_start();
  std::string log() const;

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

} // namespace smith::bench
