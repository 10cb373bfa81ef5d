// The examples domain's agents through the SDK.
#include <doctest/doctest.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/agent/agent_errc.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::examples;

namespace {

template <class Handle>
Handle spawn(test::test_system& ts, const agent::agent_type& type, const std::string& name) {
  agent::agent_config cfg;
  cfg.id = *agent::make_agent_id("examples", name, type.version);
  cfg.mailbox_capacity = 16;
  auto hdl = caf::actor_cast<Handle>(type.spawn(ts.sys(), cfg));
  ts.run();
  return hdl;
}

} // namespace

TEST_CASE("the echo agent answers with its name, a running count and the text") {
  test::test_system ts;
  auto echo = spawn<echo_actor>(ts, echo_type(), "echo-7");
  CHECK(ts.ask<std::string>(echo, echo_atom::value, std::string{"hi"}) == "echo-7 #1: hi");
  CHECK(ts.ask<std::string>(echo, echo_atom::value, std::string{"yo"}) == "echo-7 #2: yo");
  caf::anon_send_exit(echo, caf::exit_reason::kill);
}

TEST_CASE("the counter agent adds, reads and resets its value") {
  test::test_system ts;
  auto c = spawn<counter_actor>(ts, counter_type(), "counter-1");
  CHECK(ts.ask<int64_t>(c, add_atom::value, int64_t{5}) == 5);
  CHECK(ts.ask<int64_t>(c, add_atom::value, int64_t{-2}) == 3);
  CHECK(ts.ask<int64_t>(c, get_atom::value) == 3);
  CHECK(ts.ask<int64_t>(c, reset_atom::value) == 3);
  CHECK(ts.ask<int64_t>(c, get_atom::value) == 0);
  caf::anon_send_exit(c, caf::exit_reason::kill);
}

TEST_CASE("an induced counter crash reaches the caller as a handler_exception error") {
  test::test_system ts;
  auto c = spawn<counter_actor>(ts, counter_type(), "counter-1");
  ts.ask<int64_t>(c, add_atom::value, int64_t{9});
  auto res = ts.request<int64_t>(c, crash_atom::value);
  REQUIRE_FALSE(res);
  CHECK(res.error() == agent::agent_errc::handler_exception);
  CHECK(ts.render(res.error()).find("induced crash at value 9") != std::string::npos);
}

TEST_CASE("the examples domain registers once per major, a second of the same major names both versions") {
  domain::domain_catalog cat;
  CHECK_FALSE(cat.add(examples_domain()));
  CHECK(cat.find_agent("examples", "counter") != nullptr);
  CHECK(cat.find_agent("examples", "nope") == nullptr);
  auto same_major = examples_domain();
  same_major.version = "1.1.0";
  auto err = cat.add(same_major);
  REQUIRE(err);
  auto text = caf::to_string(err.context());
  CHECK(text.find("version 1.0.0") != std::string::npos);
  CHECK(text.find("version 1.1.0") != std::string::npos);
  // Another major runs side by side; ranges pick between them.
  auto next_major = examples_domain();
  next_major.version = "2.0.0";
  CHECK_FALSE(cat.add(next_major));
  REQUIRE(cat.find("examples", "^1") != nullptr);
  CHECK(cat.find("examples", "^1")->version == "1.0.0");
  REQUIRE(cat.find("examples", "^2") != nullptr);
  CHECK(cat.find("examples", "^2")->version == "2.0.0");
}

TEST_CASE("a counter addition that would overflow int64 is refused and leaves the value") {
  test::test_system ts;
  auto c = spawn<counter_actor>(ts, counter_type(), "counter-1");
  CHECK(ts.ask<int64_t>(c, add_atom::value, INT64_MAX) == INT64_MAX);
  auto res = ts.request<int64_t>(c, add_atom::value, int64_t{1});
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  CHECK(ts.render(res.error()).find("overflows int64") != std::string::npos);
  CHECK(ts.ask<int64_t>(c, add_atom::value, INT64_MIN) == -1);
  caf::anon_send_exit(c, caf::exit_reason::kill);
}

TEST_CASE("both example types carry valid endpoint tables naming their wire actions") {
  for (auto& type : examples_domain().agents) {
    REQUIRE(type.endpoints);
    CHECK_FALSE(agent::validate(*type.endpoints));
  }
  CHECK(echo_type().endpoints->find("echo") != nullptr);
  auto counter = counter_type();
  for (auto action : {"add", "get", "reset"})
    CHECK_MESSAGE(counter.endpoints->find(action) != nullptr, action);
  CHECK(counter.endpoints->endpoints.size() == 3);
}
