// bridge::outbound's per-actor-system table: lookups cached per thread never outlive a change.
#include <doctest/doctest.h>

#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "runtime/bridge/outbound.hpp"

using namespace smith;

TEST_CASE("outbound::find follows install and withdraw on a thread that looked it up before") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  CHECK(bridge::outbound::find(sys) == nullptr);
  auto first = std::make_shared<bridge::outbound>(nullptr, "n1", 1024);
  bridge::outbound::install(sys, first);
  CHECK(bridge::outbound::find(sys) == first);
  CHECK(bridge::outbound::find(sys) == first); // the cached answer
  auto second = std::make_shared<bridge::outbound>(nullptr, "n1", 1024);
  bridge::outbound::install(sys, second);
  CHECK(bridge::outbound::find(sys) == second);
  bridge::outbound::withdraw(sys, first.get()); // not the installed one: no change
  CHECK(bridge::outbound::find(sys) == second);
  // Another thread's cache does not keep a withdrawn path either.
  std::shared_ptr<bridge::outbound> seen;
  std::thread{[&] { seen = bridge::outbound::find(sys); }}.join();
  CHECK(seen == second);
  bridge::outbound::withdraw(sys, second.get());
  CHECK(bridge::outbound::find(sys) == nullptr);
  std::weak_ptr<bridge::outbound> gone = second;
  second.reset();
  seen.reset();
  CHECK(gone.expired()); // no thread's cache holds it
}
