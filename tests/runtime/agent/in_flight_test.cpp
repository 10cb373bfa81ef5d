// In-flight requests: accepted by an agent and not answered yet, promises included.
#include <doctest/doctest.h>

#include <vector>

#include "runtime/agent/agent.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;

namespace {

using hold_atom = caf::atom_constant<caf::atom("hold")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using quick_atom = caf::atom_constant<caf::atom("quick")>;
using fail_atom = caf::atom_constant<caf::atom("failheld")>;

/// Holds `hold` requests in response promises until `release` (value) or `failheld` (error).
using holder_iface = caf::typed_actor<caf::replies_to<hold_atom, int64_t>::with<int64_t>,
                                      caf::replies_to<release_atom>::with<int64_t>,
                                      caf::replies_to<fail_atom>::with<int64_t>,
                                      caf::replies_to<quick_atom>::with<int64_t>>;
/// Requests held in promises, with their numbers.
using held_requests = std::vector<std::pair<caf::typed_response_promise<int64_t>, int64_t>>;

/// Answers every held request with ten times its number; returns how many there were.
int64_t release_held(held_requests& held) {
  auto n = static_cast<int64_t>(held.size());
  for (auto& [rp, x] : held)
    rp.deliver(x * 10);
  held.clear();
  return n;
}

struct holder_state {
  held_requests held;
};
using holder_self = agent_actor<holder_iface, holder_state>;

holder_iface::behavior_type holder_impl(holder_self* self) {
  return {
    [=](hold_atom, int64_t n) -> caf::result<int64_t> {
      auto rp = self->make_response_promise<int64_t>();
      self->state.held.emplace_back(rp, n);
      return rp;
    },
    [=](release_atom) { return release_held(self->state.held); },
    [=](fail_atom) {
      auto n = static_cast<int64_t>(self->state.held.size());
      for (auto& h : self->state.held)
        h.first.deliver(caf::make_error(caf::sec::runtime_error, "given up"));
      self->state.held.clear();
      return n;
    },
    [=](quick_atom) { return int64_t{7}; },
  };
}

struct holder_fixture {
  test_system ts;
  agent_handle<holder_iface> agent;

  holder_fixture() {
    agent_config cfg;
    cfg.id = *make_agent_id("tests", "holder", "1.0.0");
    cfg.mailbox_capacity = 64;
    agent = spawn_agent<holder_iface, holder_state>(ts.sys(), cfg, holder_impl);
    ts.run();
  }

  ~holder_fixture() {
    caf::anon_send_exit(agent, caf::exit_reason::kill);
    ts.run();
  }

  uint64_t in_flight() {
    return ts.ask<agent_status>(agent, status_atom::value).counters.in_flight;
  }
};

} // namespace

TEST_CASE("a request held in a response promise is in flight until the promise is delivered") {
  holder_fixture f;
  CHECK(f.ts.ask<int64_t>(f.agent, quick_atom::value) == 7); // answered at once: never pending
  CHECK(f.in_flight() == 0);
  auto& self = f.ts.self();
  auto h1 = self->request(f.agent, caf::infinite, hold_atom::value, int64_t{1});
  auto h2 = self->request(f.agent, caf::infinite, hold_atom::value, int64_t{2});
  f.ts.run();
  CHECK(f.in_flight() == 2);
  CHECK(f.ts.ask<int64_t>(f.agent, release_atom::value) == 2);
  CHECK(f.in_flight() == 0);
  // The replies went through the tap and reached the requester intact.
  int64_t r1 = 0;
  int64_t r2 = 0;
  h1.receive([&](int64_t x) { r1 = x; }, [](caf::error&) {});
  h2.receive([&](int64_t x) { r2 = x; }, [](caf::error&) {});
  CHECK(r1 == 10);
  CHECK(r2 == 20);
}

TEST_CASE("an error delivered through a held promise ends the request and reaches the caller") {
  holder_fixture f;
  auto h = f.ts.self()->request(f.agent, caf::infinite, hold_atom::value, int64_t{3});
  f.ts.run();
  CHECK(f.in_flight() == 1);
  CHECK(f.ts.ask<int64_t>(f.agent, fail_atom::value) == 1);
  CHECK(f.in_flight() == 0);
  caf::error got;
  h.receive([](int64_t) {}, [&](caf::error& err) { got = std::move(err); });
  CHECK(got == caf::sec::runtime_error);
  CHECK(f.ts.render(got).find("given up") != std::string::npos);
}

TEST_CASE("requests held by a suspended agent are queued, not in flight") {
  holder_fixture f;
  CHECK_FALSE(f.ts.request_void(f.agent, suspend_atom::value));
  auto h = f.ts.self()->request(f.agent, caf::infinite, quick_atom::value);
  f.ts.run();
  auto st = f.ts.ask<agent_status>(f.agent, status_atom::value);
  CHECK(st.counters.in_flight == 0);
  CHECK(st.counters.mailbox_depth == 1);
  CHECK_FALSE(f.ts.request_void(f.agent, resume_atom::value));
  int64_t r = 0;
  h.receive([&](int64_t x) { r = x; }, [](caf::error&) {});
  CHECK(r == 7);
  CHECK(f.in_flight() == 0);
}

namespace {

using pass_atom = caf::atom_constant<caf::atom("pass")>;

/// Holds `hold` requests until `release`, which answers each with ten times its number.
using keeper_iface = caf::typed_actor<caf::replies_to<hold_atom, int64_t>::with<int64_t>,
                                      caf::replies_to<release_atom>::with<int64_t>>;

struct keeper_state {
  held_requests held;
};

/// The int is unused: CAF 0.17 binds a null argument tuple for a function actor that takes
/// nothing but its self pointer (UBSan).
keeper_iface::behavior_type keeper_impl(keeper_iface::stateful_pointer<keeper_state> self,
                                        int) {
  return {
    [=](hold_atom, int64_t n) -> caf::result<int64_t> {
      self->state.held.emplace_back(self->make_response_promise<int64_t>(), n);
      return self->state.held.back().first;
    },
    [=](release_atom) { return release_held(self->state.held); },
  };
}

/// Delegates every `pass` to its keeper.
using passer_iface = caf::typed_actor<caf::replies_to<pass_atom, int64_t>::with<int64_t>>;

struct passer_state {
  keeper_iface keeper;
};

using passer_self = agent_actor<passer_iface, passer_state>;

} // namespace

TEST_CASE("a delegated request is in flight until the delegate answers the caller") {
  test_system ts;
  auto keeper = ts.sys().spawn(keeper_impl, 0);
  agent_config cfg;
  cfg.id = *make_agent_id("tests", "passer", "1.0.0");
  auto passer = spawn_agent<passer_iface, passer_state>(ts.sys(), cfg, [=](passer_self* self) {
    self->state.keeper = keeper;
    return passer_iface::behavior_type{[=](pass_atom, int64_t n) {
      return self->delegate(self->state.keeper, hold_atom::value, n);
    }};
  });
  ts.run();
  auto in_flight = [&] {
    return ts.ask<agent_status>(passer, status_atom::value).counters.in_flight;
  };
  auto h = ts.self()->request(passer, caf::infinite, pass_atom::value, int64_t{4});
  ts.run();
  CHECK(in_flight() == 1);
  CHECK(ts.ask<int64_t>(keeper, release_atom::value) == 1);
  CHECK(in_flight() == 0);
  int64_t r = 0;
  h.receive([&](int64_t x) { r = x; }, [](caf::error&) {});
  CHECK(r == 40);
  caf::anon_send_exit(passer, caf::exit_reason::kill);
  caf::anon_send_exit(keeper, caf::exit_reason::kill);
  ts.run();
}
