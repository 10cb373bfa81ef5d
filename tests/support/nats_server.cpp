// A real nats-server for tests.
#include "tests/support/nats_server.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/nats_process/nats_process.hpp"

namespace smith::test {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Poll period while waiting for a cluster to form (polling, not synchronisation).
constexpr auto poll_period = 10ms;
constexpr auto start_timeout = 15s;

std::string loopback_url(const char* scheme, int port) {
  return std::string{scheme} + "://127.0.0.1:" + std::to_string(port);
}

} // namespace

int free_loopback_port() {
  if (int port = nats_process::free_loopback_port(); port != 0)
    return port;
  throw std::runtime_error("cannot bind a free loopback port");
}

nats_server::nats_server(nats_server_options opts) : opts_(std::move(opts)) {
  char tmpl[] = "/tmp/smith-nats-XXXXXX";
  if (mkdtemp(tmpl) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // A cluster port given by the caller is known to the other members: keep it.
  bool own_cluster_port = !opts_.cluster_name.empty() && opts_.cluster_port == 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_loopback_port();
    monitor_port_ = free_loopback_port();
    if (own_cluster_port)
      opts_.cluster_port = free_loopback_port();
    try {
      if (try_start())
        return;
    } catch (...) {
      std::filesystem::remove_all(dir_);
      throw;
    }
  }
  std::filesystem::remove_all(dir_);
  throw std::runtime_error("nats-server: no free port after 5 attempts");
}

nats_server::~nats_server() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string nats_server::url() const {
  return loopback_url("nats", port_);
}

std::string nats_server::log() const {
  return nats_process::read_file(dir_ + "/server.log")
         + nats_process::read_file(dir_ + "/stdio.log");
}

bool nats_server::try_start() {
  std::vector<std::string> argv{nats_process::server_binary(), "-a", "127.0.0.1", "-p",
                                std::to_string(port_), "-m", std::to_string(monitor_port_),
                                "-l", dir_ + "/server.log"};
  if (opts_.jetstream)
    argv.insert(argv.end(), {"-js", "-sd", dir_ + "/js"});
  if (!opts_.server_name.empty())
    argv.insert(argv.end(), {"-n", opts_.server_name});
  if (!opts_.cluster_name.empty()) {
    argv.insert(argv.end(), {"--cluster_name", opts_.cluster_name, "--cluster",
                             loopback_url("nats", opts_.cluster_port)});
    std::string routes;
    for (int p : opts_.route_ports) {
      if (!routes.empty())
        routes += ',';
      routes += loopback_url("nats", p);
    }
    if (!routes.empty())
      argv.insert(argv.end(), {"--routes", routes});
  }
  std::filesystem::remove(dir_ + "/server.log");
  std::filesystem::remove(dir_ + "/stdio.log");
  start_process(argv);
  return wait_ready();
}

void nats_server::start_process(const std::vector<std::string>& argv) {
  pid_ = nats_process::spawn(argv, dir_ + "/stdio.log");
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
}

bool nats_server::wait_ready() {
  auto outcome = nats_process::await_ready(pid_, [this] { return log(); }, start_timeout);
  if (outcome == nats_process::start_outcome::ready)
    return true;
  pid_ = -1;
  if (outcome == nats_process::start_outcome::port_in_use)
    return false;
  throw std::runtime_error("nats-server did not start:\n" + log());
}

void nats_server::stop() {
  nats_process::stop(pid_, 5s);
  pid_ = -1;
}

void nats_server::kill9() {
  nats_process::kill9(pid_);
  pid_ = -1;
}

void nats_server::restart() {
  kill9();
  // The old listener may linger for a moment; the same ports are retried.
  auto deadline = clock_type::now() + start_timeout;
  while (!try_start()) {
    if (clock_type::now() > deadline)
      throw std::runtime_error("nats-server restart: port " + std::to_string(port_) + " stays busy");
    std::this_thread::sleep_for(poll_period * 5);
  }
}

std::string nats_server::monitor_get(const std::string& path) const {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(monitor_port_));
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    auto req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
        response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string{} : response.substr(body + 4);
}

namespace {

// The integer after "key": in a JSON text, or -1.
long json_int(const std::string& json, const std::string& key) {
  auto pos = json.find("\"" + key + "\":");
  if (pos == std::string::npos)
    return -1;
  return std::strtol(json.c_str() + pos + key.size() + 3, nullptr, 10);
}

bool cluster_formed(const std::vector<std::unique_ptr<nats_server>>& servers) {
  auto n = static_cast<long>(servers.size());
  for (auto& s : servers)
    if (json_int(s->monitor_get("/routez"), "num_routes") < n - 1)
      return false;
  // JetStream is usable once a meta leader is known everywhere.
  for (auto& s : servers) {
    auto jsz = s->monitor_get("/jsz");
    auto pos = jsz.find("\"meta_cluster\"");
    if (pos == std::string::npos || jsz.find("\"leader\":", pos) == std::string::npos
        || jsz.find("\"leader\":\"\"", pos) != std::string::npos)
      return false;
  }
  return true;
}

} // namespace

std::vector<std::unique_ptr<nats_server>> start_nats_cluster(int n) {
  std::vector<int> cluster_ports;
  for (int i = 0; i < n; ++i)
    cluster_ports.push_back(free_loopback_port());
  std::vector<std::unique_ptr<nats_server>> servers;
  for (int i = 0; i < n; ++i) {
    nats_server_options opts;
    opts.server_name = "nats-" + std::to_string(i + 1);
    opts.cluster_name = "smith-test";
    opts.cluster_port = cluster_ports[static_cast<size_t>(i)];
    for (int j = 0; j < n; ++j)
      if (j != i)
        opts.route_ports.push_back(cluster_ports[static_cast<size_t>(j)]);
    servers.push_back(std::make_unique<nats_server>(std::move(opts)));
  }
  auto deadline = clock_type::now() + 30s;
  while (!cluster_formed(servers)) {
    if (clock_type::now() > deadline)
      throw std::runtime_error("nats cluster of " + std::to_string(n) + " did not form:\n"
                               + servers.front()->log());
    std::this_thread::sleep_for(poll_period * 5);
  }
  return servers;
}

} // namespace smith::test
