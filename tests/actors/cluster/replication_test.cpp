// Registry replication between nodes: propagation, convergence, late join, KV, missed changes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

#include "actors/cluster/cluster_codec.hpp"
#include "runtime/nats/kv_bucket.hpp"
#include "runtime/registry/record_codec.hpp"
#include "tests/actors/cluster/cluster_test_support.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace smith::cluster;
using namespace smith::cluster::test;

namespace {

double percentile(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<size_t>(p * static_cast<double>(xs.size() - 1) + 0.5);
  return xs[std::min(i, xs.size() - 1)];
}

/// Publishes a forged RegistryChange of `owner` (as if it came from that node).
void forge_change(cluster_node& via, cluster_node& owner, uint64_t sequence,
                  bridge::v1::RegistryChange::Kind kind, const registry::agent_record& r) {
  bridge::v1::RegistryChange ch;
  ch.set_node(owner.name());
  ch.set_node_instance(owner.instance());
  ch.set_sequence(sequence);
  ch.set_kind(kind);
  *ch.mutable_record() = registry::to_proto(r, 0);
  auto msg = encode_change(ch);
  REQUIRE(msg);
  REQUIRE_FALSE(via.link().bulk->publish(msg->subject, "", msg->headers, msg->body));
  REQUIRE_FALSE(via.link().bulk->flush(2s));
}

} // namespace

TEST_CASE("a registration on one node becomes visible on the others, and so does its removal") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster()};
  cluster_node b{"node-b", {server.url()}, fast_cluster()};
  cluster_node c{"node-c", {server.url()}, fast_cluster()};
  std::vector<cluster_node*> all{&a, &b, &c};
  REQUIRE(eventually([&] { return all_up(all) && converged(all); }, 5s));
  std::vector<double> latencies_ms;
  for (int i = 0; i < 30; ++i) {
    auto name = "agent-" + std::to_string(i);
    auto t0 = clock_type::now();
    a.register_agent(name);
    REQUIRE(eventually([&] { return b.sees(name, "node-a"); }, 2s));
    latencies_ms.push_back(
      std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    CHECK(eventually([&] { return c.sees(name, "node-a"); }, 2s));
  }
  auto p50 = percentile(latencies_ms, 0.5), p99 = percentile(latencies_ms, 0.99);
  auto worst = *std::max_element(latencies_ms.begin(), latencies_ms.end());
  std::printf("registration propagation A->B over %zu runs: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              latencies_ms.size(), p50, p99, worst);
  CHECK(worst < 2000.0);
  auto r = b.ask<registry::agent_record>(b.registry(), registry::resolve_atom::value,
                                         std::string{"tests"}, std::string{"agent-3"});
  REQUIRE(r);
  CHECK(r->capabilities.at(0).metadata.at("owner") == "node-a");
  CHECK_FALSE(r->handle); // remote records are reached through the bridge
  registry::discover_query q;
  q.capability = "work";
  auto found = c.ask<registry::discover_result>(c.registry(), registry::discover_atom::value, q);
  REQUIRE(found);
  CHECK(found->total == 30);
  auto removed = a.register_agent("leaving");
  REQUIRE(eventually([&] { return b.sees("leaving", "node-a"); }, 2s));
  auto t0 = clock_type::now();
  a.deregister(removed);
  CHECK(eventually([&] { return !b.sees("leaving", "node-a") && !c.sees("leaving", "node-a"); }, 2s));
  std::printf("deregistration propagation: %.2f ms\n",
              std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  CHECK(eventually([&] { return converged(all); }, 2s));
}

TEST_CASE("digests agree on every node once changes from several nodes have converged") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster()};
  cluster_node b{"node-b", {server.url()}, fast_cluster()};
  std::vector<cluster_node*> all{&a, &b};
  REQUIRE(eventually([&] { return all_up(all); }, 5s));
  for (int i = 0; i < 5; ++i)
    a.register_agent("a-" + std::to_string(i));
  for (int i = 0; i < 3; ++i)
    b.register_agent("b-" + std::to_string(i));
  REQUIRE(eventually([&] { return converged(all); }, 3s));
  CHECK(a.digest("node-a").count == 5);
  CHECK(b.digest("node-a") == a.digest("node-a"));
  CHECK(a.digest("node-b").count == 3);
  CHECK(a.local().digest == a.digest("node-a")); // what heartbeats announce
  CHECK(a.local().sequence == 5);
}

TEST_CASE("a node that joins late sees the agents registered before it started") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster()};
  for (int i = 0; i < 4; ++i)
    a.register_agent("early-" + std::to_string(i));
  cluster_node b{"node-b", {server.url()}, fast_cluster()};
  auto t0 = clock_type::now();
  CHECK(eventually([&] { return b.digest("node-a").count == 4; }, 3s));
  std::printf("late join: view of node-a complete after %.2f ms\n",
              std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  CHECK(b.sees("early-2", "node-a"));
  CHECK(eventually([&] { return converged({&a, &b}); }, 2s));
}

TEST_CASE("the KV bucket holds every live record and a graceful stop erases the node's entries") {
  smith::test::nats_server server;
  auto a = std::make_unique<cluster_node>("node-a", std::vector<std::string>{server.url()},
                                          fast_cluster());
  auto x = a->register_agent("kept");
  // The replicator creates the bucket (opening it here first would hide a failure to).
  auto jsz = [&] { return server.monitor_get("/jsz?streams=true&config=true"); };
  REQUIRE_MESSAGE(eventually([&] { return jsz().find("KV_smith_registry") != std::string::npos; },
                             3s),
                  "the replicator did not create the KV bucket");
  // max age = 3 * kv_refresh (1 s), in nanoseconds.
  CHECK(jsz().find("\"max_age\": 3000000000") != std::string::npos);
  nats::nats_options no;
  no.urls = {server.url()};
  auto conn = nats::connection::connect(no);
  REQUIRE(conn);
  nats::kv_options ko;
  ko.bucket = "smith_registry";
  std::shared_ptr<nats::kv_bucket> kv;
  REQUIRE(eventually([&] {
    auto b = nats::kv_bucket::open(*conn, ko);
    if (b)
      kv = *b;
    return kv != nullptr;
  }, 3s));
  auto key = "node-a." + x.id.instance;
  REQUIRE(eventually([&] { return static_cast<bool>(kv->get(key)); }, 3s));
  registry::v1::AgentRecord stored;
  REQUIRE(stored.ParseFromString(kv->get(key)->value));
  CHECK(stored.id().name() == "kept");
  a->stop(caf::exit_reason::user_shutdown);
  CHECK(eventually([&] { return !kv->get(key); }, 3s));
}

TEST_CASE("a node whose change stream has a hole resyncs at once") {
  smith::test::nats_server server;
  // Anti-entropy far away: only the gap can trigger the repair within the bound.
  cluster_node a{"node-a", {server.url()}, fast_cluster(20s)};
  cluster_node b{"node-b", {server.url()}, fast_cluster(20s)};
  auto x = a.register_agent("x");
  REQUIRE(eventually([&] { return b.sees("x", "node-a") && all_up({&a, &b}); }, 3s));
  auto seq = a.local().sequence;
  // B "misses" nothing yet but is told x left (the next sequence): its view diverges.
  forge_change(a, a, seq + 1, bridge::v1::RegistryChange::KIND_DEREGISTERED, x);
  REQUIRE(eventually([&] { return !b.sees("x", "node-a"); }, 2s));
  // A change beyond a hole: B must sync, which restores x.
  auto ghost = x;
  ghost.id = *agent::make_agent_id("tests", "ghost", "1.0.0");
  forge_change(a, a, seq + 5, bridge::v1::RegistryChange::KIND_REGISTERED, ghost);
  CHECK(eventually([&] { return b.sees("x", "node-a"); }, 2s));
  CHECK_FALSE(b.sees("ghost", "node-a"));
  CHECK(b.digest("node-a") == a.digest("node-a"));
}

TEST_CASE("a node that missed changes converges through anti-entropy") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster(200ms)};
  cluster_node b{"node-b", {server.url()}, fast_cluster(200ms)};
  auto x = a.register_agent("x");
  REQUIRE(eventually([&] { return b.sees("x", "node-a") && all_up({&a, &b}); }, 3s));
  auto seq = a.local().sequence;
  // B applies a change node-a never made; node-a's real change with that sequence is then
  // taken for a duplicate and lost. Only the heartbeats' sequence and digest reveal it.
  auto ghost = x;
  ghost.id = *agent::make_agent_id("tests", "ghost", "1.0.0");
  forge_change(a, a, seq + 1, bridge::v1::RegistryChange::KIND_REGISTERED, ghost);
  REQUIRE(eventually([&] { return b.sees("ghost", "node-a"); }, 2s));
  a.register_agent("y"); // sequence seq + 1 for real: B drops it as a duplicate
  auto t0 = clock_type::now();
  CHECK(eventually([&] { return b.sees("y", "node-a") && !b.sees("ghost", "node-a"); }, 3s));
  std::printf("anti-entropy repaired the view after %.2f ms\n",
              std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  CHECK(b.digest("node-a") == a.digest("node-a"));
}
