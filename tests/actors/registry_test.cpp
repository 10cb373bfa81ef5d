// The registry actor on the test coordinator: queries, watches, health, SDK agents.
#include <doctest/doctest.h>

#include "actors/registry/registry_actor.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "tests/support/test_agents.hpp"
#include "tests/support/test_workers.hpp"

using namespace smith;
using namespace smith::registry;
using namespace smith::test;
using namespace std::chrono_literals;

namespace {

struct registry_fixture {
  test_system ts;
  registry_actor reg;
  std::shared_ptr<std::vector<watch_event>> events = std::make_shared<std::vector<watch_event>>();
  caf::actor watcher;
  watch_ack ack;

  explicit registry_fixture(registry_options opts = {}) {
    reg = actors::spawn_registry(ts.sys(), opts);
    ts.run();
  }

  ~registry_fixture() {
    caf::anon_send_exit(reg, caf::exit_reason::kill);
    if (watcher)
      caf::anon_send_exit(watcher, caf::exit_reason::kill);
    ts.run();
  }

  void watch(record_filter f = {}) {
    watcher = ts.sys().spawn(
      [](caf::event_based_actor*, std::shared_ptr<std::vector<watch_event>> out) -> caf::behavior {
        return {[out](const watch_event& ev) { out->push_back(ev); }};
      },
      events);
    ack = ts.ask<watch_ack>(reg, watch_atom::value, f, watcher);
  }

  caf::error add(const std::string& name, const std::string& version,
                 std::vector<capability_info> caps, bool heartbeats = false) {
    agent_record r;
    r.id = {"tests", name, name + "-uuid", version};
    r.capabilities = std::move(caps);
    r.heartbeats = heartbeats;
    return ts.request_void(reg, register_atom::value, r);
  }
};

} // namespace

TEST_CASE("register, resolve, discover and deregister through the registry actor") {
  registry_fixture f;
  REQUIRE_FALSE(f.add("s1", "1.2.0", {{"summarize", "", {}}}));
  REQUIRE_FALSE(f.add("s2", "1.4.1", {{"summarize", "", {}}}));
  REQUIRE_FALSE(f.add("s3", "2.0.0", {{"summarize", "", {}}}));
  auto r = f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                      std::string{"s2"});
  REQUIRE(r);
  CHECK(r->id.version == "1.4.1");
  CHECK(r->node == "node-1");
  auto by_instance = f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"s2-uuid"});
  REQUIRE(by_instance);
  CHECK(by_instance->id.name == "s2");
  CHECK(f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"nope"}).error()
        == registry_errc::unknown_agent);
  auto d = f.ts.ask<discover_result>(f.reg, discover_atom::value,
                                     discover_query{"summarize", "^1.2", {}, 0, false});
  REQUIRE(d.records.size() == 2);
  CHECK(d.records[0].id.name == "s2");
  CHECK(d.records[1].id.name == "s1");
  CHECK_FALSE(f.ts.request_void(f.reg, deregister_atom::value, std::string{"s2-uuid"}));
  d = f.ts.ask<discover_result>(f.reg, discover_atom::value,
                                discover_query{"summarize", "^1.2", {}, 0, false});
  CHECK(d.total == 1);
}

TEST_CASE("the registry answers bad input with specific errors") {
  registry_options opts;
  opts.max_agents_per_domain = 1;
  registry_fixture f{opts};
  CHECK(f.add("bad name", "1.0.0", {}) == registry_errc::invalid_name);
  CHECK(f.add("x", "one", {}) == registry_errc::invalid_version);
  REQUIRE_FALSE(f.add("x", "1.0.0", {}));
  CHECK(f.add("y", "1.0.0", {}) == registry_errc::limit_exceeded);
  CHECK(f.ts.request_void(f.reg, deregister_atom::value, std::string{"ghost"})
        == registry_errc::unknown_agent);
  auto bad = f.ts.request<discover_result>(f.reg, discover_atom::value,
                                           discover_query{"x", ">=1.0 <", {}, 0, false});
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == registry_errc::invalid_range);
  auto none = f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"x"},
                                         std::string{}, false);
  CHECK(none.error() == registry_errc::no_candidate);
}

TEST_CASE("watchers get register, deregister and health events in order with gapless sequences") {
  registry_options opts;
  opts.heartbeat_interval = 1s;
  registry_fixture f{opts};
  f.watch();
  f.add("w", "1.0.0", {{"work", "", {}}}, true);
  f.ts.advance(2s); // two missed beats: degraded
  f.ts.advance(3s); // five: down
  f.ts.request_void(f.reg, heartbeat_atom::value, std::string{"w-uuid"}, load_info{});
  f.ts.request_void(f.reg, deregister_atom::value, std::string{"w-uuid"});
  std::vector<watch_kind> kinds;
  std::vector<health> healths;
  for (auto& ev : *f.events) {
    kinds.push_back(ev.kind);
    healths.push_back(ev.record.health_);
  }
  CHECK(kinds == std::vector<watch_kind>{watch_kind::registered, watch_kind::health_changed,
                                         watch_kind::health_changed, watch_kind::health_changed,
                                         watch_kind::deregistered});
  CHECK(healths[1] == health::degraded);
  CHECK(healths[2] == health::down);
  CHECK(healths[3] == health::healthy);
  CHECK(f.events->front().previous_sequence == f.ack.sequence);
  CHECK_FALSE(f.ack.registry_instance.empty());
  for (size_t i = 1; i < f.events->size(); ++i) {
    CHECK((*f.events)[i].sequence == (*f.events)[i - 1].sequence + 1);
    CHECK((*f.events)[i].previous_sequence == (*f.events)[i - 1].sequence);
    CHECK((*f.events)[i].registry_instance == f.ack.registry_instance);
  }
}

TEST_CASE("a down agent is never returned by find_healthy and a beat brings it back") {
  registry_options opts;
  opts.heartbeat_interval = 1s;
  registry_fixture f{opts};
  f.add("w", "1.0.0", {{"work", "", {}}}, true);
  f.ts.advance(5s);
  auto res = f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"work"},
                                        std::string{}, false);
  CHECK(res.error() == registry_errc::no_candidate);
  f.ts.request_void(f.reg, heartbeat_atom::value, std::string{"w-uuid"}, load_info{3, 0});
  res = f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"work"},
                                   std::string{}, false);
  REQUIRE(res);
  CHECK(res->load.mailbox_depth == 3);
}

TEST_CASE("SDK agents register when active, stay discoverable across a restart, and leave on exit") {
  registry_fixture f;
  supervision::supervisor_spec spec;
  spec.path = "pool";
  auto type = calc_type();
  spec.children = {agent::agent_child(type, "tests", "calc-1", {})};
  auto sup = *supervision::spawn_supervisor(f.ts.sys(), spec);
  f.ts.run();
  auto first = f.ts.ask<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                      std::string{"calc-1"});
  REQUIRE_FALSE(first.id.instance.empty());
  CHECK(first.capabilities.at(0).name == "add");
  auto calc = caf::actor_cast<calc_actor>(first.handle);
  CHECK(f.ts.ask<agent::agent_status>(calc, status_atom::value).state
        == agent::lifecycle_state::active);
  f.ts.request<int64_t>(calc, boom_atom::value); // crash: the supervisor restarts it
  auto second = f.ts.ask<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                       std::string{"calc-1"});
  CHECK_FALSE(second.id.instance.empty());
  CHECK(second.id.instance != first.id.instance);
  auto d = f.ts.ask<discover_result>(f.reg, discover_atom::value,
                                     discover_query{"add", "", {}, 0, true});
  REQUIRE(d.records.size() == 1);
  CHECK(d.records[0].id.instance == second.id.instance);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.ts.run();
  CHECK(f.ts.ask<std::vector<agent_record>>(f.reg, list_atom::value, record_filter{}).empty());
}

TEST_CASE("suspend and drain reach the registry, which then skips the agent in find_healthy") {
  registry_fixture f;
  auto calc = agent::spawn_agent<calc_iface, calc_state>(f.ts.sys(), [] {
    auto cfg = calc_config();
    cfg.capabilities = {{"add", "", {}}};
    return cfg;
  }(), calc_impl);
  f.ts.run();
  auto pick = [&] {
    return f.ts.request<agent_record>(f.reg, find_healthy_atom::value, std::string{"add"},
                                      std::string{}, false);
  };
  CHECK(pick());
  f.ts.request<ok_atom>(calc, suspend_atom::value);
  CHECK(pick().error() == registry_errc::no_candidate);
  f.ts.request<ok_atom>(calc, resume_atom::value);
  CHECK(pick());
  caf::anon_send_exit(calc, caf::exit_reason::kill);
  f.ts.run();
  CHECK(pick().error() == registry_errc::no_candidate);
}

TEST_CASE("agents register again when a restarted registry does not know them") {
  registry_options opts;
  opts.heartbeat_interval = 1s;
  registry_fixture f{opts};
  auto cfg = calc_config();
  cfg.capabilities = {{"add", "", {}}};
  cfg.heartbeat_interval = 1s;
  auto calc = agent::spawn_agent<calc_iface, calc_state>(f.ts.sys(), cfg, calc_impl);
  f.ts.run();
  caf::anon_send_exit(f.reg, caf::exit_reason::kill);
  f.ts.run();
  f.reg = actors::spawn_registry(f.ts.sys(), opts);
  f.ts.run();
  CHECK(f.ts.ask<std::vector<agent_record>>(f.reg, list_atom::value, record_filter{}).empty());
  f.ts.advance(1s); // the next beat is refused, so the agent registers again
  auto all = f.ts.ask<std::vector<agent_record>>(f.reg, list_atom::value, record_filter{});
  REQUIRE(all.size() == 1);
  CHECK(all[0].id.instance == cfg.id.instance);
  caf::anon_send_exit(calc, caf::exit_reason::kill);
}

TEST_CASE("a filtered watcher gets a snapshot, hears records leave its filter, and sees its gaps") {
  registry_fixture f;
  f.add("a", "1.0.0", {{"work", "", {}}});
  record_filter only_active;
  only_active.state = agent::lifecycle_state::active;
  f.watch(only_active);
  REQUIRE(f.ack.snapshot.size() == 1);
  CHECK(f.ack.snapshot[0].id.name == "a");
  f.ts.run();
  caf::anon_send(f.reg, state_atom::value, std::string{"a-uuid"}, agent::lifecycle_state::suspended);
  f.ts.run();
  f.add("other", "1.0.0", {}); // registered active: matches
  REQUIRE(f.events->size() == 2);
  CHECK((*f.events)[0].kind == watch_kind::updated);
  CHECK((*f.events)[0].previous_state == agent::lifecycle_state::active);
  CHECK((*f.events)[0].record.state == agent::lifecycle_state::suspended);
  CHECK((*f.events)[1].previous_sequence == (*f.events)[0].sequence);
}

TEST_CASE("a record naming the same capability twice is refused") {
  registry_fixture f;
  CHECK(f.add("twice", "1.0.0", {{"x", "", {}}, {"x", "2.0.0", {}}}) == registry_errc::invalid_name);
}

TEST_CASE("a refused re-registration under an existing name keeps the registered agent") {
  registry_fixture f;
  REQUIRE_FALSE(f.add("x", "1.0.0", {{"work", "", {}}}));
  agent_record bad;
  bad.id = {"tests", "x", "x-uuid-2", "not-semver"};
  CHECK(f.ts.request_void(f.reg, register_atom::value, bad) == registry_errc::invalid_version);
  auto r = f.ts.request<agent_record>(f.reg, resolve_atom::value, std::string{"tests"},
                                      std::string{"x"});
  REQUIRE(r);
  CHECK(r->id.instance == "x-uuid");
}
