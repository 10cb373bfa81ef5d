// A real nats-server for tests: random loopback port, own temp dir, started and stopped by RAII.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

namespace smith::test {

/// How to start a nats-server. Ports left 0 are chosen free on 127.0.0.1.
struct nats_server_options {
  /// Enable JetStream (store in the server's temp dir).
  bool jetstream = true;
  /// `-n`: required (unique) in a cluster.
  std::string server_name;
  /// `--cluster_name`: non-empty turns on clustering.
  std::string cluster_name;
  /// Route listen port (with cluster_name); 0 = choose one.
  int cluster_port = 0;
  /// Route ports of the other cluster members (all on 127.0.0.1).
  std::vector<int> route_ports;
};

/// A running nats-server bound to 127.0.0.1 only, with its own temp dir (JetStream store,
/// logs), stdio detached. The constructor returns once the server logged "Server is ready"
/// and throws std::runtime_error (with the log) when it cannot start. The destructor stops
/// it (SIGTERM, then SIGKILL) and removes the dir. The server dies with the test process.
class nats_server {
public:
  explicit nats_server(nats_server_options opts = {});
  ~nats_server();
  nats_server(const nats_server&) = delete;
  nats_server& operator=(const nats_server&) = delete;

  /// "nats://127.0.0.1:<port>".
  std::string url() const;
  /// Client port.
  int port() const noexcept { return port_; }
  /// Route port (0 when not clustered).
  int cluster_port() const noexcept { return opts_.cluster_port; }
  /// HTTP monitoring port (/varz, /routez, /jsz, ...).
  int monitor_port() const noexcept { return monitor_port_; }
  /// Process id, -1 while stopped.
  pid_t pid() const noexcept { return pid_; }
  /// The server's temp dir.
  const std::string& dir() const noexcept { return dir_; }

  /// Kills the server with SIGKILL and reaps it (no graceful shutdown).
  void kill9();
  /// Starts it again (killing it first if running) with the same ports and store dir.
  void restart();

  /// GET `path` from the monitoring port; empty on failure.
  std::string monitor_get(const std::string& path) const;

  /// The server's log so far (for failure messages).
  std::string log() const;

private:
  bool try_start(); // false: a port was taken
  void start_process(const std::vector<std::string>& argv);
  bool wait_ready(); // false: a port was taken; throws on any other failure
  void stop();

  nats_server_options opts_;
  std::string dir_;
  int port_ = 0;
  int monitor_port_ = 0;
  pid_t pid_ = -1;
};

/// Starts `n` route-connected JetStream servers (names nats-1..n, cluster "smith-test") and
/// returns once every server sees n-1 routes and the JetStream meta leader is elected.
std::vector<std::unique_ptr<nats_server>> start_nats_cluster(int n);

/// A free TCP port on 127.0.0.1 (bound and released; a race is possible but rare).
int free_loopback_port();

} // namespace smith::test
