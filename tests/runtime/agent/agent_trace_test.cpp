// Each message an agent handles runs in the trace its sender had when it was enqueued.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/agent/agent.hpp"
#include "runtime/log/trace_context.hpp"
#include "tests/support/test_agents.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::agent;
using namespace smith::test;

namespace {

using which_atom = caf::atom_constant<caf::atom("which")>;

/// Answers with the traceparent its handler runs in.
using tracer_iface = caf::typed_actor<caf::replies_to<which_atom, int64_t>::with<std::string>>;

struct tracer_state {};

tracer_iface::behavior_type tracer_impl(agent_actor<tracer_iface, tracer_state>*) {
  return {[](which_atom, int64_t) { return std::string{log::current_traceparent()}; }};
}

/// A version-00 traceparent whose span id ends in the digits of `i`.
std::string trace_of(size_t i) {
  auto span = std::to_string(i + 1);
  return std::string{"00-4bf92f3577b34da6a3ce929d0e0e4736-"}
    .append(16 - span.size(), '0')
    .append(span)
    .append("-01");
}

} // namespace

TEST_CASE("held messages keep their own traces, however many wait, traced or not") {
  test_system ts;
  agent_config cfg;
  cfg.id = *make_agent_id("tests", "tracer", "1.0.0");
  auto tracer = spawn_agent<tracer_iface, tracer_state>(ts.sys(), cfg, tracer_impl);
  ts.run();
  REQUIRE(ts.request<ok_atom>(tracer, suspend_atom::value));
  // More than the trace ring's first size, every other one untraced: held while suspended,
  // each is skipped and its trace kept again before it runs.
  constexpr size_t n = 40;
  using handle = decltype(ts.self()->request(tracer, caf::infinite, which_atom::value, int64_t{}));
  std::vector<handle> pending;
  for (size_t i = 0; i < n; ++i) {
    std::optional<log::trace_scope> scope;
    if (i % 2 == 0)
      scope.emplace(trace_of(i));
    pending.push_back(ts.self()->request(tracer, caf::infinite, which_atom::value,
                                         static_cast<int64_t>(i)));
  }
  ts.run();
  REQUIRE(ts.request<ok_atom>(tracer, resume_atom::value));
  for (size_t i = 0; i < n; ++i) {
    std::string got = "no answer";
    pending[i].receive([&](std::string& tp) { got = tp; },
                       [&](caf::error& err) { got = ts.render(err); });
    CHECK(got == (i % 2 == 0 ? trace_of(i) : std::string{}));
  }
  CHECK(log::current_traceparent().empty()); // the scopes and the handlers left none behind
  caf::anon_send_exit(tracer, caf::exit_reason::kill);
  ts.run();
}
