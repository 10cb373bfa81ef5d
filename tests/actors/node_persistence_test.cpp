// A node with [persistence] enabled: the examples counter keeps its value across a crash
// (supervisor restart) and across a restart of the node, and the crash is in the recorded
// supervision history.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/node/node.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/config/config_loader.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/supervision/decision_journal.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

/// One node process-alike: its own actor system and node on `data_dir`.
struct persistent_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::unique_ptr<actors::node> node;

  /// `persistence`: more `[persistence]` keys, one per line.
  explicit persistent_node(const std::string& data_dir, const std::string& persistence = {}) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    auto text = "[node]\nname = \"p1\"\ndata_dir = \"" + data_dir + "\"\n"
                + "[persistence]\nenabled = true\ndurability = \"sync\"\n" + persistence
                + "[[domain]]\nname = \"examples\"\nintensity = 5\n"
                + "  [[domain.pool]]\n  agent = \"counter\"\n  intensity = 5\n";
    auto nc = config::load_config_text(text, "p1.toml");
    REQUIRE(nc);
    node = std::make_unique<actors::node>(*sys, *nc, catalog);
    auto err = node->start();
    REQUIRE_MESSAGE(!err, sys->render(err));
  }

  ~persistent_node() {
    node->request_shutdown();
    node->wait();
  }

  /// root -> examples -> counter -> counter-1, waiting while it restarts. `previous`, a
  /// handle that went down, counts as restarting: its supervisor learns of the exit from a
  /// message of its own and may still hand it out for a moment.
  caf::actor counter(const caf::actor& previous = {}) {
    caf::scoped_actor self{*sys};
    for (int attempt = 0; attempt < 200; ++attempt) {
      auto cur = caf::actor_cast<caf::actor>(node->root());
      for (std::string id : {"examples", "counter", "counter-1"}) {
        caf::actor next;
        self->request(cur, 2s, get_child_atom::value, id)
          .receive([&](caf::actor& a) { next = a; }, [](caf::error&) {});
        cur = next;
        if (!cur)
          break;
      }
      if (cur && cur != previous)
        return cur;
      self->receive(caf::after(10ms) >> [] {}); // restarting: ask the supervisor again
    }
    FAIL("counter-1 never came back");
    return {};
  }

  caf::expected<int64_t> ask(const caf::actor& c, caf::message msg) {
    caf::scoped_actor self{*sys};
    caf::expected<int64_t> out = caf::make_error(caf::sec::request_timeout);
    self->request(c, 5s, std::move(msg))
      .receive([&](int64_t v) { out = v; }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
};

} // namespace

TEST_CASE("the counter's value survives a crash and a node restart when persistence is on") {
  test::temp_dir dir{"smith-node-persist"};
  {
    persistent_node n{dir.str("data")};
    auto c = n.counter();
    for (int i = 0; i < 4; ++i)
      REQUIRE(n.ask(c, caf::make_message(examples::add_atom::value, int64_t{10})));
    caf::scoped_actor self{*n.sys};
    self->monitor(c);
    CHECK_FALSE(n.ask(c, caf::make_message(examples::crash_atom::value)));
    self->receive([](caf::down_msg&) {});
    auto restarted = n.counter(c); // a new incarnation, recovered from the journal
    CHECK(n.ask(restarted, caf::make_message(examples::get_atom::value)) == int64_t{40});
    CHECK(n.ask(restarted, caf::make_message(examples::add_atom::value, int64_t{2})) == 42);
  }
  persistent_node again{dir.str("data")}; // the node restarted
  CHECK(again.ask(again.counter(), caf::make_message(examples::get_atom::value)) == 42);
  auto decisions = supervision::decisions_of(*again.node->store(), "root/examples/counter",
                                             "counter-1");
  REQUIRE(decisions);
  bool crash_recorded = false;
  for (auto& d : *decisions)
    crash_recorded = crash_recorded
                     || (d.event.kind == supervision::event_kind::child_exited
                         && d.event.reason.find("induced crash") != std::string::npos);
  CHECK(crash_recorded);
}

TEST_CASE("with [persistence] compact, snapshots trim the counter's journal and it still recovers") {
  test::temp_dir dir{"smith-node-persist"};
  const std::string compacting = "snapshot_every = 3\ncompact = true\n";
  {
    persistent_node n{dir.str("data"), compacting};
    auto c = n.counter();
    for (int i = 0; i < 7; ++i)
      REQUIRE(n.ask(c, caf::make_message(examples::add_atom::value, int64_t{10})));
  }
  persistent_node again{dir.str("data"), compacting};
  CHECK(again.ask(again.counter(), caf::make_message(examples::get_atom::value)) == 70);
  auto left = again.node->store()->events_since("examples/counter-1", 0);
  REQUIRE(left);
  // Snapshots were due at 3 and 6: the events before the latest one are gone.
  REQUIRE_FALSE(left->empty());
  CHECK(left->front().seq >= 3);
  CHECK(left->size() < 7);
}
