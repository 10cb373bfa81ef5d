// The kv agent in-process: typed requests, the periodic sweep, restarts on the same directory
// and start failures, on a real actor system (the agent runs detached) and real RocksDB.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <caf/all.hpp>

#include "domains/kv/kv_domain.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace smith::kv;
using namespace std::chrono_literals;

namespace {

constexpr int64_t t0 = int64_t{1'700'000'000} * 1'000'000'000;
constexpr int64_t second = 1'000'000'000;

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  test::temp_dir dir{"smith-kv-agent"};
  std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(t0);
  agent::agent_type type;

  fixture() {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    auto clock = now;
    type = kv_type([clock] { return clock->load(); });
  }

  caf::actor spawn(std::map<std::string, std::string> settings, const std::string& name = "kv-1") {
    agent::agent_config ac;
    auto id = agent::make_agent_id("kv", name, kv_version);
    REQUIRE(id);
    ac.id = *id;
    ac.settings = std::move(settings);
    ac.type = "kv";
    return type.spawn(*sys, ac);
  }

  std::map<std::string, std::string> settings(std::string sweep_ms = "1000") {
    return {{"path", dir.str("db")}, {"sweep_interval_ms", std::move(sweep_ms)}};
  }

  /// Stops `a` and waits until it terminated; returns its exit reason.
  caf::error stop(const caf::actor& a) {
    caf::scoped_actor self{*sys};
    self->monitor(a);
    self->send_exit(a, caf::exit_reason::user_shutdown);
    caf::error reason;
    self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                  caf::after(10s) >> [&] { FAIL("agent did not stop"); });
    return reason;
  }
};

template <class Reply, class Atom, class Req>
Reply ask(caf::actor_system& sys, const caf::actor& a, Atom atom, const Req& req) {
  caf::scoped_actor self{sys};
  Reply out;
  self->request(a, 5s, atom, req)
    .receive([&](const Reply& r) { out = r; },
             [&](caf::error& err) { FAIL("request failed: " << sys.render(err)); });
  return out;
}

v1::Store store_req(const std::string& key, const std::string& value, int64_t ttl_s = 0) {
  v1::Store r;
  r.set_key(key);
  r.set_value(value);
  if (ttl_s != 0)
    r.mutable_ttl()->set_seconds(ttl_s);
  return r;
}

v1::Retrieve retrieve_req(const std::string& key) {
  v1::Retrieve r;
  r.set_key(key);
  return r;
}

} // namespace

TEST_CASE("the kv agent answers store, retrieve and query with protobuf replies") {
  fixture f;
  auto a = f.spawn(f.settings());
  auto st = ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("greeting", "hello"));
  REQUIRE(st.has_stored());
  auto got = ask<v1::RetrieveReply>(*f.sys, a, retrieve_atom::value, retrieve_req("greeting"));
  REQUIRE(got.has_retrieved());
  CHECK(got.retrieved().value() == "hello");
  CHECK(got.retrieved().version() == st.stored().version());
  v1::Query q;
  q.mutable_filter()->set_prefix("greet");
  auto res = ask<v1::QueryReply>(*f.sys, a, query_atom::value, q);
  REQUIRE(res.has_result());
  CHECK(res.result().total() == 1);
  auto bad = ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("", "x"));
  REQUIRE(bad.has_error());
  CHECK(bad.error().code() == v1::INVALID_KEY);
  f.stop(a);
}

TEST_CASE("a new kv agent on the same directory finds the data of the stopped one") {
  fixture f;
  auto a = f.spawn(f.settings());
  auto st = ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("durable", "yes"));
  REQUIRE(st.has_stored());
  f.stop(a);
  // The store is closed before the exit is reported: the next agent opens it at once.
  auto b = f.spawn(f.settings());
  auto got = ask<v1::RetrieveReply>(*f.sys, b, retrieve_atom::value, retrieve_req("durable"));
  CHECK(got.retrieved().value() == "yes");
  CHECK(got.retrieved().version() == st.stored().version());
  auto next = ask<v1::StoreReply>(*f.sys, b, store_atom::value, store_req("other", "x"));
  CHECK(next.stored().version() > st.stored().version());
  f.stop(b);
}

TEST_CASE("the periodic sweep deletes expired entries without being asked") {
  fixture f;
  auto a = f.spawn(f.settings("5"));
  REQUIRE(ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("t", "v", 10)).has_stored());
  REQUIRE(ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("keep", "v")).has_stored());
  // The clock turned back to t0 shows whether the entry is still on disk (it is live then).
  auto on_disk = [&] {
    auto later = f.now->exchange(t0);
    auto r = ask<v1::RetrieveReply>(*f.sys, a, retrieve_atom::value, retrieve_req("t"));
    f.now->store(later);
    return r.retrieved().has_value();
  };
  f.now->store(t0 + 9 * second); // not yet expired: sweeps keep it
  for (int i = 0; i < 20; ++i)
    REQUIRE(on_disk());
  f.now->store(t0 + 11 * second);
  CHECK(smith::test::eventually([&] { return !on_disk(); }, 10s, 2ms));
  f.now->store(t0);
  CHECK(ask<v1::RetrieveReply>(*f.sys, a, retrieve_atom::value, retrieve_req("keep"))
          .retrieved()
          .has_value());
  f.stop(a);
}

TEST_CASE("sweep on request deletes every expired entry and returns the count") {
  fixture f;
  auto s = f.settings("86400000"); // the periodic sweep never runs in this test
  s["sweep_batch"] = "2";           // three expired entries take two steps
  auto a = f.spawn(s);
  for (int i = 0; i < 5; ++i)
    REQUIRE(ask<v1::StoreReply>(*f.sys, a, store_atom::value,
                                store_req(std::string{"k"}.append(std::to_string(i)), "v", i < 3 ? 1 : 100))
              .has_stored());
  f.now->store(t0 + 2 * second);
  caf::scoped_actor self{*f.sys};
  uint64_t swept = 99;
  self->request(a, 5s, sweep_atom::value)
    .receive([&](uint64_t n) { swept = n; }, [&](caf::error& err) { FAIL(f.sys->render(err)); });
  CHECK(swept == 3);
  f.stop(a);
}

TEST_CASE("a kv agent with a bad setting fails its start naming the setting") {
  fixture f;
  auto s = f.settings();
  s["max_key_bytes"] = "lots";
  auto a = f.spawn(s);
  caf::scoped_actor self{*f.sys};
  self->monitor(a);
  std::string reason;
  self->receive([&](caf::down_msg& dm) { reason = f.sys->render(dm.reason); },
                caf::after(10s) >> [&] { FAIL("agent did not fail"); });
  CHECK(reason.find("max_key_bytes") != std::string::npos);
  CHECK(reason.find("lots") != std::string::npos);
}

TEST_CASE("a second kv agent on a directory in use fails its start and the first keeps serving") {
  fixture f;
  auto a = f.spawn(f.settings(), "kv-1");
  REQUIRE(ask<v1::StoreReply>(*f.sys, a, store_atom::value, store_req("x", "1")).has_stored());
  auto b = f.spawn(f.settings(), "kv-2");
  caf::scoped_actor self{*f.sys};
  self->monitor(b);
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                caf::after(10s) >> [&] { FAIL("second agent did not fail"); });
  CHECK(reason);
  CHECK(ask<v1::RetrieveReply>(*f.sys, a, retrieve_atom::value, retrieve_req("x"))
          .retrieved()
          .value()
        == "1");
  f.stop(a);
}

TEST_CASE("the kv domain validates and declares its pool and settings") {
  auto d = kv_domain();
  CHECK_FALSE(domain::validate(d));
  REQUIRE(d.default_pools.size() == 1);
  CHECK(d.default_pools[0].agent == "kv");
  auto has = [&](const std::string& key) {
    for (auto& s : d.schema)
      if (s.key == key)
        return true;
    return false;
  };
  CHECK(has("data_dir"));
  CHECK(has("max_value_bytes"));
  REQUIRE(d.agents.size() == 1);
  REQUIRE(d.agents[0].endpoints);
  for (auto action : {"store", "retrieve", "query"})
    CHECK(d.agents[0].endpoints->find(action) != nullptr);
}
