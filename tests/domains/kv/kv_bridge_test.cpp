// The kv domain across nodes: two smith nodes (two actor systems) on a real nats-server, the
// kv agent started by the tree builder under the node's data_dir and called from the other node.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "domains/kv/kv_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace kv1 = smith::kv::v1;

/// One smith node running the kv domain (pool "kv", one agent kv-{name}-1) under `data_dir`.
struct kv_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;

  kv_node(const std::string& name, const std::string& url, const std::string& data_dir) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(kv::kv_domain()));
    auto text = "[node]\nname = \"" + name + "\"\ndata_dir = \"" + data_dir + "\"\n[nats]\nurls = [\""
                + url + "\"]\n[registry]\nheartbeat_interval_ms = 0\n"
                + "[[domain]]\nname = \"kv\"\n  [[domain.pool]]\n  agent = \"kv\"\n"
                + "  settings = { max_value_bytes = 1000 }\n";
    auto nc = config::load_config_text(text, name + ".toml");
    REQUIRE_MESSAGE(nc, "config");
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
  }

  bridge::wall_time in(std::chrono::milliseconds ms) const {
    return std::chrono::system_clock::now() + ms;
  }
};

kv1::Store bridge_store_req(const std::string& key, const std::string& value) {
  kv1::Store r;
  r.set_key(key);
  r.set_value(value);
  return r;
}

kv1::Retrieve bridge_retrieve_req(const std::string& key) {
  kv1::Retrieve r;
  r.set_key(key);
  return r;
}

/// Retrieves until the agent answers (the target's subscriptions are set up asynchronously).
void wait_reachable(kv_node& from, const std::string& agent) {
  caf::scoped_actor self{*from.sys};
  auto answers = [&] {
    return bool(bridge::call_blocking<kv1::RetrieveReply>(
      self, {"kv", agent}, "retrieve", bridge_retrieve_req("ping"), from.in(500ms)));
  };
  if (!test::eventually(answers, 10s))
    FAIL("kv agent " << agent << " never became reachable");
}

struct two_nodes {
  test::nats_server server;
  test::temp_dir dir{"smith-kv-nodes"};
  kv_node a{"na", server.url(), dir.str("na")};
  kv_node b{"nb", server.url(), dir.str("nb")};
  two_nodes() {
    wait_reachable(a, "kv-nb-1");
    wait_reachable(b, "kv-na-1");
  }
};

} // namespace

TEST_CASE("a node stores, retrieves and queries through the kv agent of another node") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  bridge::endpoint_proxy<kv1::Store, kv1::StoreReply> put{{"kv", "kv-nb-1"}, "store"};
  bridge::endpoint_proxy<kv1::Retrieve, kv1::RetrieveReply> get{{"kv", "kv-nb-1"}, "retrieve"};
  bridge::endpoint_proxy<kv1::Query, kv1::QueryReply> query{{"kv", "kv-nb-1"}, "query"};
  auto st = put.blocking(self, bridge_store_req("city/paris", "fr"), n.a.in(2s));
  REQUIRE_MESSAGE(st, n.a.sys->render(st.error()));
  REQUIRE(st->has_stored());
  REQUIRE(put.blocking(self, bridge_store_req("city/rome", "it"), n.a.in(2s)));
  auto got = get.blocking(self, bridge_retrieve_req("city/paris"), n.a.in(2s));
  REQUIRE(got);
  CHECK(got->retrieved().value() == "fr");
  CHECK(got->retrieved().version() == st->stored().version());
  kv1::Query q;
  q.mutable_filter()->set_prefix("city/");
  auto res = query.blocking(self, q, n.a.in(2s));
  REQUIRE(res);
  REQUIRE(res->result().results_size() == 2);
  CHECK(res->result().results(1).key() == "city/rome");
  // The data lives on node b only, in its data_dir.
  auto local = bridge::call_blocking<kv1::RetrieveReply>(self, {"kv", "kv-na-1"}, "retrieve",
                                                         bridge_retrieve_req("city/paris"), n.a.in(2s));
  REQUIRE(local);
  CHECK_FALSE(local->retrieved().has_value());
  CHECK(std::filesystem::exists(n.dir.path() / "nb" / "kv" / "kv-nb-1" / "CURRENT"));
}

TEST_CASE("domain errors cross the wire with their specific code") {
  two_nodes n;
  caf::scoped_actor self{*n.a.sys};
  bridge::endpoint_proxy<kv1::Store, kv1::StoreReply> put{{"kv", "kv-nb-1"}, "store"};
  auto first = put.blocking(self, bridge_store_req("lock", "a"), n.a.in(2s));
  REQUIRE(first);
  auto cas = bridge_store_req("lock", "b");
  cas.set_expected_version(first->stored().version() + 1000);
  auto conflict = put.blocking(self, cas, n.a.in(2s));
  REQUIRE(conflict);
  REQUIRE(conflict->has_error());
  CHECK(conflict->error().code() == kv1::VERSION_CONFLICT);
  auto once = bridge_store_req("lock", "c");
  once.set_if_absent(true);
  CHECK(put.blocking(self, once, n.a.in(2s))->error().code() == kv1::ALREADY_EXISTS);
  // The pool setting max_value_bytes = 1000 reached the agent on node b.
  auto big = put.blocking(self, bridge_store_req("big", std::string(1001, 'x')), n.a.in(2s));
  REQUIRE(big);
  CHECK(big->error().code() == kv1::VALUE_TOO_LARGE);
  CHECK(put.blocking(self, bridge_store_req("", "x"), n.a.in(2s))->error().code() == kv1::INVALID_KEY);
  kv1::Query q;
  q.mutable_filter()->set_prefix("a");
  q.mutable_filter()->set_start("b");
  auto bad = bridge::call_blocking<kv1::QueryReply>(self, {"kv", "kv-nb-1"}, "query", q,
                                                    n.a.in(2s));
  REQUIRE(bad);
  CHECK(bad->error().code() == kv1::INVALID_FILTER);
  auto got = bridge::call_blocking<kv1::RetrieveReply>(self, {"kv", "kv-nb-1"}, "retrieve",
                                                       bridge_retrieve_req("lock"), n.a.in(2s));
  CHECK(got->retrieved().value() == "a");
}
