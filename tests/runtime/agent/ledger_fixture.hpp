// A ledger agent (a running total, one event per add) on a real event store, for the
// event-sourcing and memory-operation tests.
#pragma once

#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "runtime/agent/agent.hpp"
#include "runtime/core/system_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace smith::test {

using namespace smith::agent;
using namespace std::chrono_literals;


using ledger_add_atom = caf::atom_constant<caf::atom("ladd")>;
using ledger_get_atom = caf::atom_constant<caf::atom("lget")>;

/// A running total; each add is an event ("n" in decimal).
using ledger_iface =
  caf::typed_actor<caf::replies_to<ledger_add_atom, int64_t, std::string>::with<int64_t>,
                   caf::replies_to<ledger_get_atom>::with<int64_t>>;
struct ledger_state {
  int64_t total = 0;
  int64_t applied = 0;
};
using ledger_actor = agent_actor<ledger_iface, ledger_state>;
/// What a wiped ledger keeps (its on_wipe hook).
inline constexpr int64_t opening_balance = 100;
using ledger_handle = agent_handle<ledger_iface>;

inline ledger_iface::behavior_type ledger(ledger_actor* self) {
  return {
    [=](ledger_add_atom, int64_t n, std::string& msg_id) -> caf::result<int64_t> {
      auto rp = self->make_response_promise<int64_t>();
      self->persist(
        std::to_string(n),
        [=](const caf::error& err) mutable {
          if (err)
            rp.deliver(err);
          else
            rp.deliver(self->state.total);
        },
        std::move(msg_id));
      return rp;
    },
    [=](ledger_get_atom) { return self->state.total; },
  };
}

inline agent_hooks<ledger_actor> ledger_hooks() {
  agent_hooks<ledger_actor> h;
  h.apply = [](ledger_actor* self, std::string_view e) -> caf::error {
    self->state.total += std::stoll(std::string{e});
    ++self->state.applied;
    return {};
  };
  h.snapshot = [](ledger_actor* self) { return std::to_string(self->state.total); };
  h.restore = [](ledger_actor* self, std::string_view s) -> caf::error {
    self->state.total = std::stoll(std::string{s});
    return {};
  };
  // The ledger's core knowledge: its opening balance survives a wipe.
  h.on_wipe = [](ledger_actor* self) { self->state.total = opening_balance; };
  return h;
}

/// One node: an actor system and an event store at `path`.
struct ledger_node {
  std::string path;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<journal_binding> binding;

  explicit ledger_node(std::string events_path, uint64_t snapshot_every = 1000)
    : path(std::move(events_path)) {
    open(snapshot_every);
  }

  void open(uint64_t snapshot_every = 1000) {
    persistence::event_store_options o;
    o.path = path;
    o.snapshot_every = snapshot_every;
    auto st = persistence::event_store::open(o);
    REQUIRE(st);
    binding = std::make_shared<journal_binding>();
    binding->store = std::shared_ptr<persistence::event_store>{std::move(*st)};
    if (!sys) {
      configure_actor_system(cfg);
      sys = std::make_unique<caf::actor_system>(cfg);
    }
  }

  ledger_handle spawn_ledger(const std::string& name = "ledger") {
    agent_config c;
    c.id = *make_agent_id("books", name, "1.0.0");
    c.journal = binding;
    return spawn_agent<ledger_iface, ledger_state>(*sys, c, ledger, ledger_hooks());
  }

  caf::expected<int64_t> add(const ledger_handle& h, int64_t n, std::string msg_id = {}) {
    caf::scoped_actor self{*sys};
    caf::expected<int64_t> out = caf::make_error(caf::sec::request_timeout);
    self->request(h, 10s, ledger_add_atom::value, n, std::move(msg_id))
      .receive([&](int64_t x) { out = x; }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  int64_t get(const ledger_handle& h) {
    caf::scoped_actor self{*sys};
    int64_t out = -1;
    self->request(h, 10s, ledger_get_atom::value)
      .receive([&](int64_t x) { out = x; }, [&](caf::error&) {});
    return out;
  }

  /// Sends a control request expecting a seq (memory operations).
  template <class... Ts>
  caf::expected<uint64_t> control(const ledger_handle& h, Ts&&... xs) {
    caf::scoped_actor self{*sys};
    caf::expected<uint64_t> out = caf::make_error(caf::sec::request_timeout);
    self->request(h, 10s, std::forward<Ts>(xs)...)
      .receive([&](uint64_t x) { out = x; }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  /// Kills `h` (as a crash would) and waits until it is gone.
  void crash(const ledger_handle& h) {
    caf::scoped_actor self{*sys};
    self->monitor(h);
    caf::anon_send_exit(h, caf::exit_reason::kill);
    self->receive([](caf::down_msg&) {});
  }
};

struct dir_holder {
  smith::test::temp_dir dir{"smith-journal"};
};

/// A node in a fresh temp dir (the base holding the dir is constructed first).
struct node_fixture : dir_holder, ledger_node {
  explicit node_fixture(uint64_t snapshot_every = 1000)
    : ledger_node(dir.str("events"), snapshot_every) {}
};


} // namespace smith::test
