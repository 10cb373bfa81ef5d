// JetStream KV through kv_bucket: put, get, keys, entries, erase, watch.
#include "runtime/nats/kv_bucket.hpp"
#include "tests/runtime/nats/nats_test_support.hpp"

using namespace smith::nats;
using namespace smith::nats::test;

namespace {

std::shared_ptr<kv_bucket> open_bucket(const std::shared_ptr<connection>& conn,
                                       const std::string& name = "reg") {
  auto kv = kv_bucket::open(conn, kv_options{.bucket = name});
  REQUIRE_MESSAGE(kv, "open failed: ", caf::to_string(kv.error()));
  return std::move(*kv);
}

} // namespace

TEST_CASE("put, get, keys, entries and erase of a KV bucket") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  auto kv = open_bucket(conn);
  auto empty = kv->keys();
  REQUIRE(empty);
  CHECK(empty->empty());
  auto r1 = kv->put("node-1.a", "alpha");
  REQUIRE(r1);
  auto r2 = kv->put("node-2.b", std::string{"be\0ta", 5});
  REQUIRE(r2);
  CHECK(*r2 > *r1);
  auto a = kv->get("node-1.a");
  REQUIRE(a);
  CHECK(a->key == "node-1.a");
  CHECK(a->value == "alpha");
  CHECK(a->revision == *r1);
  CHECK(kv->get("node-2.b")->value == std::string{"be\0ta", 5});
  auto keys = kv->keys();
  REQUIRE(keys);
  std::sort(keys->begin(), keys->end());
  CHECK(*keys == std::vector<std::string>{"node-1.a", "node-2.b"});
  auto node1 = kv->entries("node-1.");
  REQUIRE(node1);
  REQUIRE(node1->size() == 1);
  CHECK(node1->front().value == "alpha");
  REQUIRE_FALSE(kv->erase("node-1.a"));
  auto gone = kv->get("node-1.a");
  REQUIRE_FALSE(gone);
  CHECK(errc_of(gone.error()) == nats_errc::not_found);
  CHECK(text_of(gone.error()).find("'node-1.a'") != std::string::npos);
  CHECK(kv->entries()->size() == 1);
  auto missing = kv->get("never");
  CHECK(errc_of(missing.error()) == nats_errc::not_found);
}

TEST_CASE("opening an existing bucket binds to it and sees its data") {
  smith::test::nats_server server;
  auto conn = connect_to(server);
  auto first = open_bucket(conn, "shared");
  REQUIRE(first->put("k", "v"));
  auto second = open_bucket(connect_to(server, "second"), "shared");
  CHECK(second->get("k")->value == "v");
}

TEST_CASE("a KV watcher sees current values, then puts and deletes in order") {
  smith::test::nats_server server;
  collector<kv_change> changes;
  auto conn = connect_to(server);
  auto kv = open_bucket(conn);
  REQUIRE(kv->put("n1.old", "0"));
  auto w = kv->watch("n1.>", [&](kv_change&& c) { changes.add(std::move(c)); });
  REQUIRE(w);
  REQUIRE(eventually([&] { return changes.size() == 1; }));
  REQUIRE(kv->put("n1.a", "1"));
  REQUIRE(kv->put("n2.ignored", "x"));
  REQUIRE_FALSE(kv->erase("n1.old"));
  REQUIRE(eventually([&] { return changes.size() == 3; }));
  auto seen = changes.snapshot();
  CHECK(seen[0].key == "n1.old");
  CHECK(seen[0].value == "0");
  CHECK(seen[1].key == "n1.a");
  CHECK(seen[1].value == "1");
  CHECK_FALSE(seen[1].deleted);
  CHECK(seen[2].key == "n1.old");
  CHECK(seen[2].deleted);
  CHECK(seen[2].revision > seen[1].revision);
  w->stop();
  REQUIRE(kv->put("n1.late", "2"));
  REQUIRE_FALSE(conn->flush(std::chrono::milliseconds{2000}));
  CHECK(changes.size() == 3);
}

TEST_CASE("a bucket on a server without JetStream fails to open with a jetstream error") {
  smith::test::nats_server server{core_only()};
  auto conn = connect_to(server);
  auto kv = kv_bucket::open(conn, kv_options{.bucket = "reg"});
  REQUIRE_FALSE(kv);
  CHECK(text_of(kv.error()).find("'reg'") != std::string::npos);
  CHECK(errc_of(kv.error()) != nats_errc::none);
}

TEST_CASE("a three-node cluster forms and serves a replicated bucket") {
  auto servers = smith::test::start_nats_cluster(3);
  auto a = connect_to(*servers[0], "a");
  auto c = connect_to(*servers[2], "c");
  auto kv = kv_bucket::open(a, kv_options{.bucket = "repl", .replicas = 3});
  REQUIRE_MESSAGE(kv, caf::to_string(kv.error()));
  REQUIRE((*kv)->put("k", "v"));
  auto other = open_bucket(c, "repl");
  CHECK(other->get("k")->value == "v");
}
