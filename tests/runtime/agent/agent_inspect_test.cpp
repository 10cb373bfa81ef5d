// The optional inspect hook: an agent's typed state as a protobuf snapshot for admin tools.
#include <doctest/doctest.h>

#include "runtime/agent/agent_snapshot.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/test_agents.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;

namespace {

calc_self::hooks_type value_hook() {
  calc_self::hooks_type hooks;
  hooks.on_inspect = [](calc_self* self) {
    examples::v1::CounterValue v;
    v.set_value(self->state.total);
    return snapshot_of(v);
  };
  return hooks;
}

struct inspect_fixture {
  test_system ts;
  calc_actor calc;

  explicit inspect_fixture(calc_self::hooks_type hooks) {
    calc = spawn_agent<calc_iface, calc_state>(ts.sys(), calc_config(), calc_impl, hooks);
    ts.run();
  }

  ~inspect_fixture() {
    caf::anon_send_exit(calc, caf::exit_reason::kill);
    ts.run();
  }
};

} // namespace

TEST_CASE("inspect answers the hook's protobuf snapshot of the agent's current state") {
  inspect_fixture f{value_hook()};
  f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{7});
  f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{5});
  auto snap = f.ts.request<agent_snapshot>(f.calc, inspect_atom::value);
  REQUIRE(snap);
  CHECK(snap->type == "smith.examples.v1.CounterValue");
  examples::v1::CounterValue v;
  REQUIRE(v.ParseFromString(snap->bytes));
  CHECK(v.value() == 12);
  // A control message: not counted as handled, answered while suspended too.
  CHECK_FALSE(f.ts.request_void(f.calc, suspend_atom::value));
  auto again = f.ts.request<agent_snapshot>(f.calc, inspect_atom::value);
  REQUIRE(again);
  CHECK(again->bytes == snap->bytes);
  CHECK(f.ts.ask<agent_status>(f.calc, status_atom::value).counters.handled == 2);
}

TEST_CASE("an agent type without an inspect hook answers an empty snapshot") {
  inspect_fixture f{{}};
  auto snap = f.ts.request<agent_snapshot>(f.calc, inspect_atom::value);
  REQUIRE(snap);
  CHECK(snap->type.empty());
  CHECK(snap->bytes.empty());
}

TEST_CASE("a throwing inspect hook is answered with an error and the agent keeps serving") {
  calc_self::hooks_type hooks;
  hooks.on_inspect = [](calc_self*) -> agent_snapshot { throw std::runtime_error("no state"); };
  inspect_fixture f{hooks};
  auto snap = f.ts.request<agent_snapshot>(f.calc, inspect_atom::value);
  REQUIRE_FALSE(snap);
  CHECK(snap.error() == caf::sec::runtime_error);
  CHECK(f.ts.render(snap.error()).find("inspect hook threw: no state") != std::string::npos);
  CHECK(f.ts.ask<int64_t>(f.calc, add_atom::value, int64_t{1}) == 1);
}
