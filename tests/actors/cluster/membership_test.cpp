// Cluster membership: heartbeats, down detection, graceful leave, NATS server failover.
#include <doctest/doctest.h>

#include <cstdio>
#include <optional>

#include "tests/actors/cluster/cluster_test_support.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace smith::cluster;
using namespace smith::cluster::test;

namespace {

std::optional<peer_info> peer(cluster_node& at, const std::string& node) {
  for (auto& p : at.peers())
    if (p.node == node)
      return p;
  return std::nullopt;
}

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

} // namespace

TEST_CASE("nodes see each other through heartbeats with instance, version and domains") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster()};
  cluster_node b{"node-b", {server.url()}, fast_cluster()};
  REQUIRE(eventually([&] { return all_up({&a, &b}); }, 3s));
  auto p = peer(a, "node-b");
  REQUIRE(p);
  CHECK(p->instance == b.instance());
  CHECK(p->version == "0.1.0");
  CHECK(p->domains == std::vector<std::string>{"tests"});
  CHECK(p->last_seen_ns > 0);
  CHECK_FALSE(peer(a, "node-a")); // a node is not its own peer
}

TEST_CASE("a node that stops heartbeating is dropped within down_after plus one interval") {
  smith::test::nats_server server;
  auto cc = fast_cluster();
  cluster_node a{"node-a", {server.url()}, cc};
  cluster_node b{"node-b", {server.url()}, cc};
  a.register_agent("doomed");
  REQUIRE(eventually([&] { return b.sees("doomed", "node-a") && all_up({&a, &b}); }, 3s));
  auto t0 = clock_type::now();
  a.stop(caf::exit_reason::kill); // a crash: no NodeLeave
  REQUIRE(eventually([&] { return !b.sees("doomed", "node-a"); }, 3s));
  auto elapsed = ms_since(t0);
  std::printf("crashed node dropped after %.1f ms (down_after %lld ms, beat %lld ms)\n", elapsed,
              static_cast<long long>(cc.down_after.count()),
              static_cast<long long>(cc.heartbeat_interval.count()));
  // Not earlier than the silence bound allows (minus the beat already in flight) ...
  CHECK(elapsed >= static_cast<double>((cc.down_after - cc.heartbeat_interval).count()));
  // ... and no later than down_after + one check interval (+ scheduling slack).
  CHECK(elapsed <= static_cast<double>((cc.down_after + cc.heartbeat_interval).count()) + 150.0);
  auto p = peer(b, "node-a");
  REQUIRE(p);
  CHECK_FALSE(p->up);
  CHECK(b.digest("node-a").count == 0);
}

TEST_CASE("a graceful stop sends NodeLeave and the others drop the node at once") {
  smith::test::nats_server server;
  auto cc = fast_cluster();
  cc.down_after = 5000ms; // silence alone would take this long
  cluster_node a{"node-a", {server.url()}, cc};
  cluster_node b{"node-b", {server.url()}, cc};
  a.register_agent("polite");
  REQUIRE(eventually([&] { return b.sees("polite", "node-a") && all_up({&a, &b}); }, 3s));
  auto t0 = clock_type::now();
  a.stop(caf::exit_reason::user_shutdown);
  REQUIRE(eventually([&] { return !b.sees("polite", "node-a"); }, 2s));
  auto elapsed = ms_since(t0);
  std::printf("gracefully stopped node dropped after %.1f ms\n", elapsed);
  CHECK(elapsed < 1000.0);
  auto p = peer(b, "node-a");
  REQUIRE(p);
  CHECK_FALSE(p->up);
}

TEST_CASE("a restarted node is taken back with its new instance and resynced") {
  smith::test::nats_server server;
  auto cc = fast_cluster();
  cluster_node b{"node-b", {server.url()}, cc};
  {
    cluster_node a{"node-a", {server.url()}, cc};
    a.register_agent("first-life");
    REQUIRE(eventually([&] { return b.sees("first-life", "node-a"); }, 3s));
    a.stop(caf::exit_reason::kill);
  }
  cluster_node a2{"node-a", {server.url()}, cc};
  a2.register_agent("second-life");
  CHECK(eventually([&] { return b.sees("second-life", "node-a"); }, 3s));
  // The first life's agent goes: replaced by the sync with the new instance, or dropped
  // once the old instance stays silent.
  CHECK(eventually([&] { return !b.sees("first-life", "node-a"); }, 3s));
  auto p = peer(b, "node-a");
  REQUIRE(p);
  CHECK(p->instance == a2.instance());
  CHECK(p->up);
}

TEST_CASE("nodes reconnect after their nats-server is killed and replication resumes") {
  auto servers = smith::test::start_nats_cluster(3);
  std::vector<std::string> urls;
  for (auto& s : servers)
    urls.push_back(s->url());
  auto cc = fast_cluster();
  cc.kv_replicas = 3;
  cc.down_after = 2000ms; // ride out the failover without declaring anyone down
  cluster_node a{"node-a", urls, cc};
  cluster_node b{"node-b", urls, cc};
  a.register_agent("before");
  REQUIRE(eventually([&] { return b.sees("before", "node-a") && all_up({&a, &b}); }, 5s));
  auto url = a.link().bulk->connected_url();
  auto victim = std::find_if(servers.begin(), servers.end(),
                             [&](auto& s) { return s->url() == url; });
  REQUIRE(victim != servers.end());
  auto t0 = clock_type::now();
  (*victim)->kill9();
  REQUIRE(eventually([&] {
    return a.link().bulk->connected() && a.link().bulk->connected_url() != url;
  }, 10s));
  std::printf("node-a reconnected %.1f ms after the kill\n", ms_since(t0));
  a.register_agent("after");
  auto t1 = clock_type::now();
  CHECK(eventually([&] { return b.sees("after", "node-a"); }, 5s));
  std::printf("first registration after failover visible after %.1f ms\n", ms_since(t1));
  CHECK(eventually([&] { return b.sees("before", "node-a") && converged({&a, &b}); }, 5s));
}
