// The registry's cluster view on the test coordinator: remote records, node resyncs, digests.
#include <doctest/doctest.h>

#include <algorithm>

#include "actors/registry/registry_actor.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::registry;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

using events_ptr = std::shared_ptr<std::vector<watch_event>>;

agent_record remote(const std::string& name, const std::string& node,
                    std::vector<capability_info> caps = {{"work", "", {}}}) {
  agent_record r;
  r.id = {"tests", name, name + "@" + node, "1.0.0"};
  r.capabilities = std::move(caps);
  r.node = node;
  return r;
}

struct remote_fixture {
  test_system ts;
  registry_actor reg;
  events_ptr events = std::make_shared<std::vector<watch_event>>();
  caf::actor watcher;

  explicit remote_fixture(registry_options opts = {}) {
    reg = actors::spawn_registry(ts.sys(), opts);
    ts.run();
  }

  ~remote_fixture() {
    caf::anon_send_exit(reg, caf::exit_reason::kill);
    if (watcher)
      caf::anon_send_exit(watcher, caf::exit_reason::kill);
    ts.run();
  }

  void watch(record_filter f = {}) {
    watcher = ts.sys().spawn(
      [](caf::event_based_actor*, events_ptr out) -> caf::behavior {
        return {[out](const watch_event& ev) { out->push_back(ev); }};
      },
      events);
    ts.ask<watch_ack>(reg, watch_atom::value, f, watcher);
  }

  caf::error add_local(const std::string& name, bool heartbeats = false) {
    agent_record r;
    r.id = {"tests", name, name + "-uuid", "1.0.0"};
    r.capabilities = {{"work", "", {}}};
    r.heartbeats = heartbeats;
    return ts.request_void(reg, register_atom::value, r);
  }

  caf::error apply(const agent_record& r) {
    return ts.request_void(reg, apply_remote_atom::value, r);
  }

  caf::expected<uint64_t> replace(const std::string& node, std::vector<agent_record> rs) {
    return ts.request<uint64_t>(reg, replace_node_atom::value, node, std::move(rs));
  }

  std::vector<agent_record> list(const std::string& node = {}) {
    record_filter f;
    f.node = node;
    return ts.ask<std::vector<agent_record>>(reg, list_atom::value, f);
  }

  registry_digest digest(const std::string& node) {
    return ts.ask<registry_digest>(reg, digest_atom::value, node);
  }

  std::vector<watch_kind> kinds() const {
    std::vector<watch_kind> out;
    for (auto& ev : *events)
      out.push_back(ev.kind);
    return out;
  }
};

} // namespace

TEST_CASE("apply_remote inserts another node's record and updates it with the right events") {
  remote_fixture f;
  f.watch();
  auto r = remote("a", "node-2");
  r.heartbeats = true;
  REQUIRE_FALSE(f.apply(r));
  auto got = f.list("node-2");
  REQUIRE(got.size() == 1);
  CHECK(got[0].id == r.id);
  CHECK_FALSE(got[0].handle);
  r.health_ = health::degraded;
  REQUIRE_FALSE(f.apply(r));
  r.state = agent::lifecycle_state::suspended;
  REQUIRE_FALSE(f.apply(r));
  r.load = {7, 1}; // load alone: applied, no event
  REQUIRE_FALSE(f.apply(r));
  r.health_ = health::healthy;
  r.state = agent::lifecycle_state::active;
  REQUIRE_FALSE(f.apply(r)); // both: health_changed then updated
  r.capabilities.push_back({"more", "2.0.0", {}});
  REQUIRE_FALSE(f.apply(r));
  CHECK(f.kinds()
        == std::vector<watch_kind>{watch_kind::registered, watch_kind::health_changed,
                                   watch_kind::updated, watch_kind::health_changed,
                                   watch_kind::updated, watch_kind::updated});
  auto& evs = *f.events;
  CHECK(evs[1].previous_health == health::healthy);
  CHECK(evs[1].record.health_ == health::degraded);
  CHECK(evs[2].previous_state == agent::lifecycle_state::active);
  CHECK(evs[2].record.state == agent::lifecycle_state::suspended);
  CHECK(evs[3].record.state == agent::lifecycle_state::suspended); // health moves first
  CHECK(evs[4].record.state == agent::lifecycle_state::active);
  CHECK(evs[4].record.load.mailbox_depth == 7);
  CHECK(evs[5].record.capabilities.size() == 2);
  got = f.list("node-2");
  REQUIRE(got.size() == 1);
  CHECK(got[0].capabilities.size() == 2);
  CHECK(got[0].load.mailbox_depth == 7);
  auto d = f.ts.ask<discover_result>(f.reg, discover_atom::value,
                                     discover_query{"more", "^2", {}, 0, false});
  CHECK(d.total == 1);
}

TEST_CASE("remote records are found by discover, find_healthy and resolve like local ones") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  REQUIRE_FALSE(f.ts.request_void(f.reg, heartbeat_atom::value, std::string{"l-uuid"},
                                  load_info{5, 0}));
  auto r = remote("r", "node-2");
  r.load = {1, 0};
  REQUIRE_FALSE(f.apply(r));
  auto pick = f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"work"},
                                         std::string{"^1"}, false);
  REQUIRE(pick);
  CHECK(pick->node == "node-2");
  auto d = f.ts.ask<discover_result>(f.reg, discover_atom::value,
                                     discover_query{"work", "", {}, 0, false});
  CHECK(d.total == 2);
  auto by_name = f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                            std::string{"r"});
  REQUIRE(by_name);
  CHECK(by_name->id.instance == "r@node-2");
  CHECK(f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"r@node-2"}));
  CHECK(f.list("node-1").size() == 1);
}

TEST_CASE("apply_remote refuses this node's records, nameless nodes, bad names and local instances") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  CHECK(f.apply(remote("a", "")) == registry_errc::invalid_name);
  CHECK(f.apply(remote("a", "bad.node")) == registry_errc::invalid_name);
  CHECK(f.apply(remote("a", "node-1")) == caf::sec::invalid_argument);
  CHECK(f.apply(remote("bad name", "node-2")) == registry_errc::invalid_name);
  auto v = remote("a", "node-2");
  v.id.version = "one";
  CHECK(f.apply(v) == registry_errc::invalid_version);
  auto hijack = remote("l", "node-2");
  hijack.id.instance = "l-uuid";
  CHECK(f.apply(hijack) == caf::sec::invalid_argument);
  auto foreign = remote("x", "node-2");
  foreign.id.instance = "x-uuid";
  CHECK(f.ts.request_void(f.reg, register_atom::value, foreign) == caf::sec::invalid_argument);
  auto all = f.list();
  REQUIRE(all.size() == 1);
  CHECK(all[0].id.instance == "l-uuid");
  CHECK(all[0].node == "node-1");
}

TEST_CASE("remove_remote removes a remote record and refuses local and unknown instances") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  REQUIRE_FALSE(f.apply(remote("a", "node-2")));
  f.watch();
  CHECK(f.ts.request_void(f.reg, remove_remote_atom::value, std::string{"l-uuid"})
        == caf::sec::invalid_argument);
  CHECK(f.ts.request_void(f.reg, deregister_atom::value, std::string{"a@node-2"})
        == caf::sec::invalid_argument);
  CHECK(f.ts.request_void(f.reg, remove_remote_atom::value, std::string{"ghost"})
        == registry_errc::unknown_agent);
  CHECK_FALSE(f.ts.request_void(f.reg, remove_remote_atom::value, std::string{"a@node-2"}));
  CHECK(f.kinds() == std::vector<watch_kind>{watch_kind::deregistered});
  CHECK(f.list("node-2").empty());
  CHECK(f.list("node-1").size() == 1);
  CHECK(f.digest("node-2") == registry_digest{});
}

TEST_CASE("drop_node removes only that node's records, one deregistered event each") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  for (auto name : {"a", "b", "c"})
    REQUIRE_FALSE(f.apply(remote(name, "node-2")));
  for (auto name : {"a", "b"})
    REQUIRE_FALSE(f.apply(remote(name, "node-3")));
  f.watch();
  auto n = f.ts.request<uint64_t>(f.reg, drop_node_atom::value, std::string{"node-2"});
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(f.kinds() == std::vector<watch_kind>(3, watch_kind::deregistered));
  for (auto& ev : *f.events)
    CHECK(ev.record.node == "node-2");
  CHECK(f.list("node-2").empty());
  CHECK(f.list("node-3").size() == 2);
  CHECK(f.list("node-1").size() == 1);
  CHECK(f.ts.request<uint64_t>(f.reg, drop_node_atom::value, std::string{"node-1"}).error()
        == caf::sec::invalid_argument);
  CHECK(f.ts.ask<uint64_t>(f.reg, drop_node_atom::value, std::string{"node-9"}) == 0);
  CHECK(f.list().size() == 3);
}

TEST_CASE("replace_node applies only the differences and refuses a bad resync whole") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  for (auto name : {"a", "b", "c"})
    REQUIRE_FALSE(f.apply(remote(name, "node-2")));
  REQUIRE_FALSE(f.apply(remote("a", "node-3")));
  f.watch();
  auto c = remote("c", "node-2");
  c.state = agent::lifecycle_state::draining;
  auto b = remote("b", "node-2");
  b.load = {9, 9}; // load differs: not a change
  auto d = remote("d", "node-2");
  d.node.clear(); // taken as the resynced node's
  auto n = f.replace("node-2", {b, c, d});
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(f.kinds()
        == std::vector<watch_kind>{watch_kind::deregistered, watch_kind::updated,
                                   watch_kind::registered});
  CHECK((*f.events)[0].record.id.name == "a");
  CHECK((*f.events)[1].previous_state == agent::lifecycle_state::active);
  CHECK((*f.events)[2].record.node == "node-2");
  d.node = "node-2";
  n = f.replace("node-2", {d, c, b});
  REQUIRE(n);
  CHECK(*n == 0);
  CHECK(f.events->size() == 3);
  auto twice = f.replace("node-2", {b, b});
  CHECK(twice.error() == caf::sec::invalid_argument);
  auto other = f.replace("node-2", {remote("z", "node-3")});
  CHECK(other.error() == caf::sec::invalid_argument);
  CHECK(f.replace("node-1", {}).error() == caf::sec::invalid_argument);
  auto bad = remote("bad name", "node-2");
  CHECK(f.replace("node-2", {b, bad}).error() == registry_errc::invalid_name);
  CHECK(f.events->size() == 3);
  CHECK(f.list("node-2").size() == 3);
  CHECK(f.list("node-3").size() == 1);
  CHECK(f.list("node-1").size() == 1);
  n = f.replace("node-2", {});
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(f.list("node-2").empty());
}

TEST_CASE("digests are equal for equal views whatever the order, change with them, ignore load") {
  remote_fixture f1;
  remote_fixture f2;
  std::vector<agent_record> rs{remote("a", "node-2"), remote("b", "node-2"),
                               remote("c", "node-2", {{"x", "1.0.0", {{"k", "v"}}}, {"y", "", {}}})};
  for (auto& r : rs)
    REQUIRE_FALSE(f1.apply(r));
  REQUIRE(f2.replace("node-2", {rs[2], rs[0], rs[1]}));
  auto d1 = f1.digest("node-2");
  CHECK(d1.count == 3);
  CHECK(d1 == f2.digest("node-2"));
  CHECK(d1 == digest_of(rs));
  auto reversed = rs[2];
  std::reverse(reversed.capabilities.begin(), reversed.capabilities.end());
  CHECK(digest_hash(reversed) == digest_hash(rs[2]));
  rs[0].load = {100, 3};
  REQUIRE_FALSE(f1.apply(rs[0]));
  CHECK(f1.digest("node-2") == d1);
  rs[0].health_ = health::down;
  REQUIRE_FALSE(f1.apply(rs[0]));
  CHECK(f1.digest("node-2") != d1);
  CHECK(f1.digest("node-2") == digest_of(rs));
  rs[0].health_ = health::healthy;
  REQUIRE_FALSE(f1.apply(rs[0]));
  CHECK(f1.digest("node-2") == d1);
  auto meta = rs;
  meta[2].capabilities[0].metadata["k"] = "w";
  CHECK(digest_of(meta) != d1);
  CHECK(f1.digest("node-9") == registry_digest{});
}

TEST_CASE("the local node's digest follows its own agents only") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l1"));
  REQUIRE_FALSE(f.add_local("l2"));
  REQUIRE_FALSE(f.apply(remote("a", "node-2")));
  auto d = f.digest("node-1");
  CHECK(d.count == 2);
  CHECK(d == digest_of(f.list("node-1")));
  caf::anon_send(f.reg, state_atom::value, std::string{"l1-uuid"},
                 agent::lifecycle_state::suspended);
  f.ts.run();
  CHECK(f.digest("node-1") != d);
  CHECK(f.digest("node-1") == digest_of(f.list("node-1")));
  REQUIRE_FALSE(f.ts.request_void(f.reg, deregister_atom::value, std::string{"l2-uuid"}));
  CHECK(f.digest("node-1").count == 1);
  CHECK(f.digest("node-2").count == 1);
}

TEST_CASE("remote records are never health-swept and refuse local heartbeats and state updates") {
  registry_options opts;
  opts.heartbeat_interval = 1s;
  remote_fixture f{opts};
  REQUIRE_FALSE(f.add_local("l", true));
  auto r = remote("a", "node-2");
  r.heartbeats = true;
  r.last_beat_ns = 1; // long ago by this node's clock
  REQUIRE_FALSE(f.apply(r));
  f.ts.advance(10s); // past down_after (5 beats)
  auto local = f.list("node-1");
  REQUIRE(local.size() == 1);
  CHECK(local[0].health_ == health::down);
  auto rem = f.list("node-2");
  REQUIRE(rem.size() == 1);
  CHECK(rem[0].health_ == health::healthy);
  CHECK(f.ts.request_void(f.reg, heartbeat_atom::value, std::string{"a@node-2"}, load_info{})
        == caf::sec::invalid_argument);
  caf::anon_send(f.reg, state_atom::value, std::string{"a@node-2"},
                 agent::lifecycle_state::suspended);
  f.ts.run();
  rem = f.list("node-2");
  REQUIRE(rem.size() == 1);
  CHECK(rem[0].state == agent::lifecycle_state::active);
  auto pick = f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"work"},
                                         std::string{}, false);
  REQUIRE(pick);
  CHECK(pick->id.instance == "a@node-2");
}

TEST_CASE("the same agent name on several nodes coexists, a newer instance replaces only its node's") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("pool-0"));
  REQUIRE_FALSE(f.apply(remote("pool-0", "node-3")));
  REQUIRE_FALSE(f.apply(remote("pool-0", "node-2")));
  CHECK(f.list().size() == 3);
  auto resolve = [&] {
    return f.ts.ask<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                  std::string{"pool-0"});
  };
  CHECK(resolve().node == "node-1");
  f.watch();
  auto newer = remote("pool-0", "node-2");
  newer.id.instance = "pool-0@node-2#2";
  REQUIRE_FALSE(f.apply(newer));
  CHECK(f.kinds() == std::vector<watch_kind>{watch_kind::deregistered, watch_kind::registered});
  CHECK((*f.events)[0].record.id.instance == "pool-0@node-2");
  REQUIRE_FALSE(f.ts.request_void(f.reg, deregister_atom::value, std::string{"pool-0-uuid"}));
  CHECK(resolve().node == "node-2"); // lowest node name once no local one is left
  CHECK(f.list().size() == 2);
}

TEST_CASE("a watcher filtered on the local node hears nothing of remote changes") {
  remote_fixture f;
  record_filter local;
  local.node = "node-1";
  f.watch(local);
  REQUIRE_FALSE(f.apply(remote("a", "node-2")));
  REQUIRE(f.replace("node-2", {remote("b", "node-2")}));
  REQUIRE(f.ts.request<uint64_t>(f.reg, drop_node_atom::value, std::string{"node-2"}));
  REQUIRE_FALSE(f.add_local("l"));
  CHECK(f.kinds() == std::vector<watch_kind>{watch_kind::registered});
  CHECK(f.events->at(0).record.node == "node-1");
}

TEST_CASE("remote records do not count against the per-domain limit of local agents") {
  registry_options opts;
  opts.max_agents_per_domain = 1;
  remote_fixture f{opts};
  REQUIRE_FALSE(f.apply(remote("a", "node-2")));
  REQUIRE_FALSE(f.apply(remote("b", "node-2")));
  REQUIRE_FALSE(f.add_local("l1"));
  CHECK(f.add_local("l2") == registry_errc::limit_exceeded);
  REQUIRE_FALSE(f.ts.request_void(f.reg, deregister_atom::value, std::string{"l1-uuid"}));
  CHECK_FALSE(f.add_local("l2"));
}

TEST_CASE("a resync and a drop of ten thousand records keep the digest and the index consistent") {
  remote_fixture f;
  REQUIRE_FALSE(f.add_local("l"));
  std::vector<agent_record> rs;
  for (int i = 0; i < 10000; ++i) {
    std::string name = "a"; // appended, not "a" + ...: GCC 12 -Wrestrict false positive
    name += std::to_string(i);
    rs.push_back(remote(name, "node-2"));
  }
  auto n = f.replace("node-2", rs);
  REQUIRE(n);
  CHECK(*n == 10000);
  CHECK(f.digest("node-2") == digest_of(rs));
  rs.resize(5000);
  n = f.replace("node-2", rs);
  REQUIRE(n);
  CHECK(*n == 5000);
  CHECK(f.digest("node-2") == digest_of(rs));
  CHECK(f.ts.ask<uint64_t>(f.reg, drop_node_atom::value, std::string{"node-2"}) == 5000);
  CHECK(f.digest("node-2") == registry_digest{});
  CHECK(f.list().size() == 1);
}
