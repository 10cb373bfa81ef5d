// Inline dispatch across real nodes: with `[bridge] inline_dispatch` on, the agent a request
// or cast wakes and the caller a reply wakes run on the NATS delivery thread; off, on CAF
// workers; a handler that holds a delivery thread too long is reported.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "runtime/bridge/call.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/registry/registry_api.hpp"
#include "runtime/core/inline_executor.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/actors/bridge/examples_node.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;

namespace {

namespace ev1 = smith::examples::v1;

/// A node with one echo (mailbox of `echo_capacity`) and one counter agent; `bridge` is
/// appended as its [bridge] table.
struct inline_node : test::examples_node {
  inline_node(const std::string& name, const std::string& url, const std::string& bridge,
              int echo_capacity = 1024)
    : examples_node(name, url,
                    "  [[domain.pool]]\n  agent = \"echo\"\n  mailbox_capacity = "
                      + std::to_string(echo_capacity)
                      + "\n  [[domain.pool]]\n  agent = \"counter\"\n[bridge]\n" + bridge) {}
};

/// `node`'s agent `name`, resolved through its registry.
caf::actor inline_resolve(inline_node& node, const std::string& name) {
  caf::scoped_actor self{*node.sys};
  caf::actor target;
  auto reg = caf::actor_cast<caf::actor>(node.sys->registry().get(registry::registry_name));
  self->request(reg, 2s, registry::resolve_atom::value, std::string{"examples"}, name)
    .receive([&](registry::agent_record& r) { target = r.handle; }, [](caf::error&) {});
  return target;
}

/// Sends `what` (suspend or resume) to `node`'s agent `name` and waits for its ok.
template <class Atom>
void inline_control(inline_node& node, const std::string& name, Atom what) {
  caf::scoped_actor self{*node.sys};
  auto target = inline_resolve(node, name);
  REQUIRE(target);
  bool ok = false;
  self->request(target, 2s, what).receive([&](ok_atom) { ok = true; }, [](caf::error&) {});
  REQUIRE(ok);
}

ev1::EchoRequest inline_echo(const std::string& text) {
  ev1::EchoRequest r;
  r.set_text(text);
  return r;
}

void inline_wait_reachable(inline_node& from, bridge::agent_ref ref) {
  caf::scoped_actor self{*from.sys};
  auto answers = [&] {
    return bool(bridge::call_blocking<ev1::EchoReply>(self, ref, "echo", inline_echo("ping"),
                                                      from.in(500ms)));
  };
  REQUIRE_MESSAGE(test::eventually(answers, 10s), ref.name << " never became reachable");
}

/// What a caller saw in its reply handlers: whether each ran inside an inline dispatch.
struct inline_calls {
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::atomic<int> inside_dispatch{0};
  std::promise<void> done;
};

/// Calls `to`'s echo `n` times in sequence from an event-based actor on `from`.
void inline_call_chain(caf::event_based_actor* self, inline_node* from, bridge::agent_ref to,
                       int left, std::shared_ptr<inline_calls> seen) {
  if (left == 0) {
    seen->done.set_value();
    return;
  }
  bridge::call<ev1::EchoReply>(self, to, "echo", inline_echo("x"), from->in(2s),
                               [=](caf::expected<ev1::EchoReply> r) {
                                 ++(r ? seen->answered : seen->failed);
                                 if (core::inline_unit() != nullptr)
                                   ++seen->inside_dispatch;
                                 inline_call_chain(self, from, to, left - 1, seen);
                               });
}

/// Whether `a` is idle: its mailbox blocked, so the next message wakes it.
bool inline_idle(const caf::actor& a) {
  auto* p = caf::actor_cast<caf::abstract_actor*>(a);
  return static_cast<caf::scheduled_actor*>(p)->mailbox().blocked();
}

/// Spawns `fn` (which calls b's echo-nb-1 as it starts) on `a` so that the first reply
/// finds it idle: the echo is suspended until the caller's start has returned (else, on
/// a loaded machine, the reply could arrive while the caller still runs on its worker).
template <class F>
caf::actor inline_spawn_caller(inline_node& a, inline_node& b, F fn) {
  inline_control(b, "echo-nb-1", suspend_atom::value);
  auto caller = a.sys->spawn(std::move(fn), 0);
  REQUIRE(test::eventually([&] { return inline_idle(caller); }, 5s));
  inline_control(b, "echo-nb-1", resume_atom::value);
  return caller;
}

/// Runs `n` sequential remote calls from `a` to b's echo; returns what the caller saw.
std::shared_ptr<inline_calls> inline_run_calls(inline_node& a, inline_node& b, int n) {
  auto seen = std::make_shared<inline_calls>();
  auto done = seen->done.get_future();
  auto caller
    = inline_spawn_caller(a, b, [&a, seen, n](caf::event_based_actor* self, int) -> caf::behavior {
        inline_call_chain(self, &a, {"examples", "echo-nb-1"}, n, seen);
        return {[](int) {}};
      });
  REQUIRE(done.wait_for(10s) == std::future_status::ready);
  caf::anon_send_exit(caller, caf::exit_reason::user_shutdown);
  return seen;
}

/// Casts `n` adds of 1 to b's counter from `a` and waits until it counted them.
void inline_run_casts(inline_node& a, int n) {
  ev1::AddRequest one;
  one.set_n(1);
  for (int i = 0; i < n; ++i)
    REQUIRE_FALSE(bridge::cast(*a.sys, {"examples", "counter-nb-1"}, "add",
                               bridge::copy_payload(one), a.in(2s)));
  caf::scoped_actor self{*a.sys};
  bridge::endpoint_proxy<ev1::AddRequest, ev1::CounterValue> add{{"examples", "counter-nb-1"},
                                                                  "add"};
  ev1::AddRequest zero;
  auto counted = [&] {
    auto v = add.blocking(self, zero, a.in(2s));
    return v && v->value() == n;
  };
  REQUIRE(test::eventually(counted, 5s));
}

} // namespace

TEST_CASE("with inline dispatch on a remote call runs the agent and the caller on delivery threads") {
  test::nats_server server;
  inline_node b{"nb", server.url(), "inline_dispatch = true\n"};
  inline_node a{"na", server.url(), "inline_dispatch = true\n"};
  inline_wait_reachable(a, {"examples", "echo-nb-1"});
  constexpr int calls = 20;
  auto before = core::inline_dispatch_stats();
  auto seen = inline_run_calls(a, b, calls);
  CHECK(seen->answered == calls);
  CHECK(seen->failed == 0);
  // Every reply handler of the caller ran in the reply delivery callback's dispatch.
  CHECK(seen->inside_dispatch == calls);
  // ... and so did each request's echo agent on b, but the first (held while the caller
  // started, then resumed from a worker): an activation per reply and per later request.
  // A request that finds the agent already scheduled (its heartbeat, say) runs on a worker:
  // allow a few (CI saw 38 of 39). Without inline requests this would be about `calls`.
  CHECK(core::inline_dispatch_stats().ran - before.ran >= 2 * calls - 4);
}

TEST_CASE("with inline dispatch off a remote call runs the agent and the caller on CAF workers") {
  test::nats_server server;
  inline_node b{"nb", server.url(), "inline_dispatch = false\n"};
  inline_node a{"na", server.url(), "inline_dispatch = false\n"};
  inline_wait_reachable(a, {"examples", "echo-nb-1"});
  auto before = core::inline_dispatch_stats();
  auto seen = inline_run_calls(a, b, 20);
  CHECK(seen->answered == 20);
  CHECK(seen->inside_dispatch == 0);
  CHECK(core::inline_dispatch_stats().ran == before.ran);
}

TEST_CASE("a cast runs the agent on the delivery thread with inline_one_way and not without") {
  test::nats_server server;
  bool on = false;
  std::string bridge;
  SUBCASE("inline_one_way") {
    on = true;
    bridge = "inline_dispatch = true\ninline_one_way = true\n";
  }
  SUBCASE("inline dispatch for requests only (the default)") {
    bridge = "inline_dispatch = true\n";
  }
  SUBCASE("off") { bridge = "inline_dispatch = false\ninline_one_way = true\n"; }
  CAPTURE(bridge);
  inline_node b{"nb", server.url(), bridge};
  inline_node a{"na", server.url(), "inline_dispatch = false\n"};
  inline_wait_reachable(a, {"examples", "echo-nb-1"});
  constexpr int casts = 30;
  auto before = core::inline_dispatch_stats();
  inline_run_casts(a, casts);
  auto ran = core::inline_dispatch_stats().ran - before.ran;
  // Each cast's counter activation counts when casts run inline; the polls (requests) run
  // inline with inline_dispatch, a few at most, as the counter has counted by then.
  if (on)
    CHECK(ran >= casts);
  else
    CHECK(ran < casts);
}

TEST_CASE("a handler holding a delivery thread past the threshold is reported once by name") {
  test::nats_server server;
  inline_node b{"nb", server.url(), "inline_dispatch = false\n"};
  inline_node a{"na", server.url(), "inline_block_warn_ms = 20\n"};
  inline_wait_reachable(a, {"examples", "echo-nb-1"});
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("inline_test", sink));
  std::promise<void> release;
  auto gate = release.get_future().share();
  auto before = core::inline_dispatch_stats();
  // A caller whose reply handler blocks (on the test's gate): it runs on a's reply delivery
  // thread, which the checker must report while it is still held.
  auto caller
    = inline_spawn_caller(a, b, [&a, gate](caf::event_based_actor* self, int) -> caf::behavior {
        bridge::call<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo", inline_echo("x"),
                                     a.in(2s),
                                     [gate](caf::expected<ev1::EchoReply>) { gate.wait(); });
        return {[](int) {}};
      });
  auto reported = [&] { return core::inline_dispatch_stats().blocked > before.blocked; };
  bool seen = test::eventually(reported, 5s);
  release.set_value();
  caf::anon_send_exit(caller, caf::exit_reason::user_shutdown);
  spdlog::set_default_logger(previous);
  REQUIRE(seen);
  auto lines = sink->last_formatted();
  bool named = false;
  for (auto& l : lines)
    named = named
            || (l.find("held a NATS delivery thread") != std::string::npos
                && l.find("threshold 20 ms") != std::string::npos);
  CHECK_MESSAGE(named, "no blocked-thread warning among " << lines.size() << " lines");
}

TEST_CASE("with inline dispatch a full agent mailbox still refuses remote requests as overloaded") {
  test::nats_server server;
  inline_node b{"nb", server.url(), "inline_dispatch = true\n", 2};
  inline_node a{"na", server.url(), "inline_dispatch = true\n"};
  inline_wait_reachable(a, {"examples", "echo-nb-1"});
  inline_control(b, "echo-nb-1", suspend_atom::value); // holds what it admits
  struct tally {
    std::atomic<int> overloaded{0};
    std::atomic<int> answered{0};
    std::atomic<int> other{0};
  };
  auto t = std::make_shared<tally>();
  constexpr int calls = 6;
  auto caller = a.sys->spawn(
    [&a, t](caf::event_based_actor* self, int n) -> caf::behavior {
      for (int i = 0; i < n; ++i)
        bridge::call<ev1::EchoReply>(self, {"examples", "echo-nb-1"}, "echo", inline_echo("x"),
                                     a.in(3s), [t](caf::expected<ev1::EchoReply> r) {
                                       if (r)
                                         ++t->answered;
                                       else if (bridge::code_of(r.error())
                                                == bridge::wire_code::overloaded)
                                         ++t->overloaded;
                                       else
                                         ++t->other;
                                     });
      return {[](int) {}};
    },
    calls);
  // Capacity 2: the other four are refused at once, long before the 3 s deadline.
  CHECK(test::eventually([&] { return t->overloaded == calls - 2; }, 2s));
  inline_control(b, "echo-nb-1", resume_atom::value);
  CHECK(test::eventually([&] { return t->answered == 2; }, 5s));
  CHECK(t->other == 0);
  caf::anon_send_exit(caller, caf::exit_reason::user_shutdown);
}

TEST_CASE("an agent names its type in blocked-thread warnings") {
  test::nats_server server;
  inline_node b{"nb", server.url(), "inline_dispatch = true\n"};
  caf::actor echo;
  // Agents register asynchronously after the node started.
  REQUIRE(test::eventually([&] { return bool(echo = inline_resolve(b, "echo-nb-1")); }, 10s));
  auto* actor = caf::actor_cast<caf::abstract_actor*>(echo);
  auto* labelled = dynamic_cast<const core::inline_labelled*>(actor);
  REQUIRE(labelled != nullptr);
  auto label = labelled->inline_label();
  CHECK_MESSAGE(label.rfind("agent examples/echo@", 0) == 0, label);
}
