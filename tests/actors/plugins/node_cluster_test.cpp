// Plugin domains and the rest of the cluster: unload deregisters cluster-wide before the code
// goes, runtime-loaded pools in $SRV.INFO and in heartbeats, two majors side by side at boot.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "actors/cluster/cluster_api.hpp"
#include "actors/cluster/cluster_codec.hpp"
#include "runtime/nats/connection.hpp"
#include "runtime/nats/kv_bucket.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/actors/plugins/plugin_node.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<nats::connection> client_of(const test::nats_server& server) {
  nats::nats_options o;
  o.urls = {server.url()};
  o.name = "node-cluster-test";
  auto c = nats::connection::connect(o);
  REQUIRE(c);
  return *c;
}

/// The $SRV.INFO answer of node `node` (every node answers `$SRV.INFO.smith`).
std::string info_of(nats::connection& c, const std::string& node) {
  std::mutex mtx;
  std::string found;
  auto inbox = c.new_inbox_prefix() + ".info";
  auto sub = c.subscribe(inbox, "", [&](nats::inbound_msg&& m) {
    std::lock_guard<std::mutex> guard{mtx};
    if (m.data.find("\"node\":\"" + node + "\"") != std::string::npos)
      found = m.data;
  });
  REQUIRE(sub);
  REQUIRE_FALSE(c.flush(2s));
  auto answered = [&] {
    std::lock_guard<std::mutex> guard{mtx};
    return !found.empty();
  };
  // Asked again until the node answers: its responder may still be subscribing.
  auto until = std::chrono::steady_clock::now() + 5s;
  while (!answered() && std::chrono::steady_clock::now() < until) {
    REQUIRE_FALSE(c.publish("$SRV.INFO.smith", inbox, {}, ""));
    test::eventually(answered, 200ms);
  }
  REQUIRE(answered());
  std::lock_guard<std::mutex> guard{mtx};
  return found;
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// The domains node `of`'s heartbeats announce, as `n`'s membership has them.
std::vector<std::string> beat_domains(test::plugin_node& n, const std::string& of) {
  caf::scoped_actor self{*n.sys};
  auto memb = caf::actor_cast<cluster::membership_actor>(
    n.sys->registry().get(cluster::membership_name));
  std::vector<std::string> out{"(no beat yet)"};
  self->request(memb, 2s, cluster::peers_atom::value)
    .receive(
      [&](std::vector<cluster::peer_info>& ps) {
        for (auto& p : ps)
          if (p.node == of && p.up)
            out = p.domains;
      },
      [](caf::error&) {});
  return out;
}

bool lists(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// Keeps both scheduler threads of `n` busy for `busy` (a node too loaded to apply changes for
/// a while); returns once both are busy. Keep it under the node's `down_after`.
void occupy_workers(test::plugin_node& n, std::chrono::milliseconds busy) {
  auto started = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < 2; ++i)
    // The unused int: CAF 0.17 binds a null argument tuple for argument-less function actors
    // (UBSan: reference binding to null pointer in init_fun_factory).
    n.sys->spawn(
      [started, busy](caf::event_based_actor* self, int) {
        ++*started;
        std::this_thread::sleep_for(busy); // injected load, not synchronisation
        self->quit();
      },
      0);
  REQUIRE(test::eventually([&] { return started->load() == 2; }, 5s));
}

/// Publishes one heartbeat of a node "ghost" that never answers anything.
void ghost_beat(nats::connection& c) {
  cluster::heartbeat_fields f{"ghost", "0b1c3a5e-0000-4000-8000-000000000001", 1, 200ms, 30s,
                              "0.1.0", {}};
  auto msg = cluster::encode_heartbeat(f, nullptr);
  REQUIRE(msg);
  REQUIRE_FALSE(c.publish(msg->subject, "", msg->headers, msg->body));
  REQUIRE_FALSE(c.flush(2s));
}

} // namespace

TEST_CASE("unload_domain returns only once no other node's registry lists the agents") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  // n3 announces a long down_after: it is kept busy below and must stay up meanwhile.
  test::plugin_node n3{"[node]\nname = \"n3\"\n[nats]\nurls = [\"" + server.url()
                       + "\"]\n[cluster]\nheartbeat_interval_ms = 200\ndown_after_ms = 6000\n"
                       + "[plugins]\ndirs = [\"" + test::plugin_dir() + "\"]\n"};
  auto info = n1.node->load_domain("examples");
  REQUIRE_MESSAGE(info, n1.sys->render(info.error()));
  auto agents = info->agents;
  REQUIRE(agents > 0);
  REQUIRE(test::eventually([&] {
    return n2.count("examples", "n1") == agents && n3.count("examples", "n1") == agents;
  }));
  // n3 cannot apply n1's changes for a while: unload must wait for it all the same (without
  // the barrier, the count below reaches n3's registry before the removal does).
  occupy_workers(n3, 2500ms);
  auto err = n1.node->unload_domain("examples", "^1", 2s);
  REQUIRE_MESSAGE(!err, n1.sys->render(err));
  // No waiting here: that is the contract.
  CHECK(n2.count("examples", "n1") == 0);
  CHECK(n3.count("examples", "n1") == 0);
  CHECK(n2.discover("echo", "^1").empty());
  CHECK(n1.host.loaded().empty());
  // The KV bucket (what a node joining now would seed from) no longer has them either.
  auto conn = client_of(server);
  nats::kv_options ko;
  ko.bucket = "smith_registry";
  auto kv = nats::kv_bucket::open(conn, ko);
  REQUIRE(kv);
  auto entries = (*kv)->entries("n1.");
  REQUIRE(entries);
  CHECK(entries->empty());
}

TEST_CASE("a node that does not confirm the deregistration is named, and the domain is unloaded") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  REQUIRE(n1.node->load_domain("examples"));
  auto conn = client_of(server);
  ghost_beat(*conn);
  REQUIRE(test::eventually([&] { return beat_domains(n1, "ghost").empty(); }, 5s));
  auto err = n1.node->unload_domain("examples", "^1", 2s);
  REQUIRE(err);
  CHECK(err.category() == caf::atom("smith_plg"));
  CHECK(err.code() == static_cast<uint8_t>(plugin::plugin_errc::unconfirmed));
  auto text = plugin::message_of(err);
  INFO(text);
  CHECK(has(text, "domain examples 1.0.0 is unloaded, but"));
  CHECK(has(text, "ghost: "));
  CHECK_FALSE(has(text, "n2:"));
  // Unloaded all the same, and the node that answered has dropped the agents.
  CHECK(n1.node->domains().empty());
  CHECK(n1.host.loaded().empty());
  CHECK(n2.count("examples", "n1") == 0);
}

TEST_CASE("a domain loaded at runtime is in $SRV.INFO and in heartbeats until it is unloaded") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url())};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  auto conn = client_of(server);
  CHECK_FALSE(has(info_of(*conn, "n1"), "agents.examples."));
  REQUIRE(n1.node->load_domain("examples"));
  auto info = info_of(*conn, "n1");
  INFO(info);
  CHECK(has(info, "\"subject\":\"agents.examples.echo.echo\""));
  CHECK(has(info, "\"queue_group\":\"smith.examples.echo\""));
  CHECK(test::eventually([&] { return lists(beat_domains(n2, "n1"), "examples"); }, 5s));
  REQUIRE_FALSE(n1.node->unload_domain("examples", "^1", 2s));
  CHECK_FALSE(has(info_of(*conn, "n1"), "agents.examples."));
  CHECK(test::eventually([&] { return beat_domains(n2, "n1").empty(); }, 5s));
}

TEST_CASE("two majors of a domain configured side by side start at boot under their own names") {
  test::nats_server server;
  test::plugin_node n1{test::node_toml("n1", server.url(),
                                       "[[domain]]\nname = \"examples\"\nplugin = \"examples_v2\"\n"
                                       "version = \"^2\"\n"
                                       "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                                       "version = \"^1\"\n")};
  test::plugin_node n2{test::node_toml("n2", server.url())};
  auto ds = n1.node->domains();
  REQUIRE(ds.size() == 2);
  std::sort(ds.begin(), ds.end(), [](auto& x, auto& y) { return x.version < y.version; });
  CHECK(ds[0].version == "1.0.0");
  CHECK(ds[0].supervisor == "examples");
  CHECK(ds[1].version == "2.0.0");
  CHECK(ds[1].supervisor == "examples-v2");
  CHECK(ds[0].state == actors::domain_state::running);
  CHECK(ds[1].state == actors::domain_state::running);
  auto total = ds[0].agents + ds[1].agents;
  REQUIRE(test::eventually([&] { return n2.count("examples", "n1") == total; }));
  for (auto& r : n2.discover("echo", "^2"))
    CHECK(r.id.name.rfind("echo-v2-n1-", 0) == 0);
  for (auto& r : n2.discover("echo", "^1"))
    CHECK(r.id.name.rfind("echo-n1-", 0) == 0);
  examples::v1::EchoRequest req;
  req.set_text("x");
  auto v1 = n2.call<examples::v1::EchoReply>("examples", "echo", "echo", req);
  auto v2 = n2.call<examples::v1::EchoReply>("examples", "echo-v2", "echo", req);
  REQUIRE_MESSAGE(v1, n2.sys->render(v1.error()));
  REQUIRE_MESSAGE(v2, n2.sys->render(v2.error()));
  CHECK(v1->text().rfind("echo-n1-", 0) == 0);
  CHECK(v2->text().rfind("echo-v2-n1-", 0) == 0);
  auto conn = client_of(server);
  auto info = info_of(*conn, "n1");
  CHECK(has(info, "\"subject\":\"agents.examples.echo.echo\""));
  CHECK(has(info, "\"subject\":\"agents.examples.echo-v2.echo\""));
  CHECK(test::eventually([&] {
    return beat_domains(n2, "n1") == std::vector<std::string>{"examples"};
  }, 5s));
  // Unloading one major leaves the other where it was.
  REQUIRE_FALSE(n1.node->unload_domain("examples", "^2", 2s));
  CHECK(n2.discover("echo", "^2").empty());
  CHECK(n2.count("examples", "n1") == ds[0].agents);
  CHECK_FALSE(has(info_of(*conn, "n1"), "agents.examples.echo-v2."));
}
