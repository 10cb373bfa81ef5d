// Agent endpoints: protobuf requests invoked in-process against real SDK agents, the errors an
// invocation can end with, table validation, and the agent type name in registry records.
#include <doctest/doctest.h>

#include <optional>

#include <caf/actor_companion.hpp>
#include <google/protobuf/dynamic_message.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/registry/record_codec.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::agent;
using namespace std::chrono_literals;
namespace expb = smith::examples::v1;
namespace ex = smith::examples;
using message_ptr = std::shared_ptr<const google::protobuf::Message>;

namespace {

/// Spawns an examples agent on the test system and kills it at scope exit.
struct running_agent {
  test::test_system& ts;
  caf::actor hdl;

  running_agent(test::test_system& ts, const agent_type& type, std::string name,
                size_t capacity = 16)
    : ts(ts) {
    agent_config cfg;
    cfg.id = *make_agent_id("examples", name, type.version);
    cfg.mailbox_capacity = capacity;
    cfg.type = type.name;
    hdl = type.spawn(ts.sys(), cfg);
    ts.run();
  }

  ~running_agent() {
    caf::anon_send_exit(hdl, caf::exit_reason::kill);
    ts.run();
  }
};

/// What `done` received, and how often.
struct outcome {
  int calls = 0;
  std::optional<endpoint_result> result;
};

/// Starts one invocation from a fresh event-based actor; does not run the system.
std::shared_ptr<outcome> start_invoke(test::test_system& ts, endpoint ep, caf::actor agent,
                                      message_ptr req, caf::timespan timeout = 1s) {
  auto out = std::make_shared<outcome>();
  ts.sys().spawn(
    [=](caf::event_based_actor* self, int) -> caf::behavior {
      ep.invoke(self, agent, req, timeout, [out, self](endpoint_result r) {
        ++out->calls;
        out->result = std::move(r);
        self->quit();
      });
      return {[](int) {}};
    },
    0);
  return out;
}

/// Invokes and runs the system until idle; the invocation must have finished.
endpoint_result invoke(test::test_system& ts, const endpoint& ep, caf::actor agent,
                       message_ptr req) {
  auto out = start_invoke(ts, ep, std::move(agent), std::move(req));
  ts.run();
  REQUIRE(out->calls == 1);
  return std::move(*out->result);
}

/// A copy of the endpoint `action` of `t` (tables here are temporaries).
endpoint find(const endpoint_table& t, std::string_view action) {
  auto* ep = t.find(action);
  REQUIRE(ep != nullptr);
  return *ep;
}

template <class T, class... Setters>
message_ptr make(Setters... set) {
  auto m = std::make_shared<T>();
  (set(*m), ...);
  return m;
}

message_ptr echo_request(std::string text) {
  return make<expb::EchoRequest>([&](expb::EchoRequest& r) { r.set_text(text); });
}

message_ptr add_request(int64_t n) {
  return make<expb::AddRequest>([&](expb::AddRequest& r) { r.set_n(n); });
}

int64_t value_of(const endpoint_result& res) {
  REQUIRE(res);
  auto* v = dynamic_cast<const expb::CounterValue*>(res->get());
  REQUIRE(v != nullptr);
  return v->value();
}

std::string text_of(const caf::error& err) {
  return caf::to_string(err.context());
}

} // namespace

TEST_CASE("the echo endpoint turns an EchoRequest into echo and the reply into an EchoReply") {
  test::test_system ts;
  running_agent echo{ts, ex::echo_type(), "echo-1"};
  auto ep = find(*ex::echo_type().endpoints, "echo");
  CHECK(ep.request_type == expb::EchoRequest::descriptor());
  CHECK(ep.response_type == expb::EchoReply::descriptor());
  auto res = invoke(ts, ep, echo.hdl, echo_request("hello"));
  REQUIRE(res);
  CHECK((*res)->GetDescriptor() == expb::EchoReply::descriptor());
  CHECK(dynamic_cast<const expb::EchoReply&>(**res).text() == "echo-1 #1: hello");
}

TEST_CASE("the counter endpoints add, get and reset through CounterValue replies") {
  test::test_system ts;
  running_agent counter{ts, ex::counter_type(), "counter-1"};
  auto eps = ex::counter_endpoints();
  CHECK(value_of(invoke(ts, find(eps, "add"), counter.hdl, add_request(5))) == 5);
  CHECK(value_of(invoke(ts, find(eps, "add"), counter.hdl, add_request(-2))) == 3);
  CHECK(value_of(invoke(ts, find(eps, "get"), counter.hdl, make<expb::GetRequest>())) == 3);
  CHECK(value_of(invoke(ts, find(eps, "reset"), counter.hdl, make<expb::ResetRequest>())) == 3);
  CHECK(value_of(invoke(ts, find(eps, "get"), counter.hdl, make<expb::GetRequest>())) == 0);
  CHECK(eps.find("crash") == nullptr);
}

TEST_CASE("an error of the agent reaches done as that error") {
  test::test_system ts;
  running_agent counter{ts, ex::counter_type(), "counter-1"};
  auto add = find(ex::counter_endpoints(), "add");
  CHECK(value_of(invoke(ts, add, counter.hdl, add_request(INT64_MAX))) == INT64_MAX);
  auto res = invoke(ts, add, counter.hdl, add_request(1));
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  CHECK(text_of(res.error()).find("overflows int64") != std::string::npos);
  // A handler exception is the agent's error too.
  auto crash = make_endpoint<expb::GetRequest, expb::CounterValue>(
    "crash", [](const expb::GetRequest&) { return std::make_tuple(ex::crash_atom::value); },
    [](int64_t) { return expb::CounterValue{}; });
  auto crashed = invoke(ts, crash, counter.hdl, make<expb::GetRequest>());
  REQUIRE_FALSE(crashed);
  CHECK(crashed.error() == agent_errc::handler_exception);
}

TEST_CASE("from_reply may refuse a reply with a domain error or throw without escaping") {
  test::test_system ts;
  running_agent counter{ts, ex::counter_type(), "counter-1"};
  auto get = [](const expb::GetRequest&) { return std::make_tuple(ex::get_atom::value); };
  auto refusing = make_endpoint<expb::GetRequest, expb::CounterValue>(
    "get", get, [](int64_t v) -> caf::expected<expb::CounterValue> {
      return caf::make_error(caf::sec::invalid_argument, "refused " + std::to_string(v));
    });
  auto res = invoke(ts, refusing, counter.hdl, make<expb::GetRequest>());
  REQUIRE_FALSE(res);
  CHECK(text_of(res.error()).find("refused 0") != std::string::npos);
  auto throwing = make_endpoint<expb::GetRequest, expb::CounterValue>(
    "get", get, [](int64_t) -> expb::CounterValue { throw std::runtime_error("bad reply"); });
  res = invoke(ts, throwing, counter.hdl, make<expb::GetRequest>());
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::runtime_error);
  CHECK(text_of(res.error()).find("bad reply") != std::string::npos);
  // A reply of another type than from_reply takes is an error, not a crash.
  auto mistyped = make_endpoint<expb::GetRequest, expb::EchoReply>(
    "get", get, [](const std::string&) { return expb::EchoReply{}; });
  res = invoke(ts, mistyped, counter.hdl, make<expb::GetRequest>());
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::unexpected_response);
}

TEST_CASE("a suspended agent that never answers yields request_timeout once the timeout passes") {
  test::test_system ts;
  running_agent echo{ts, ex::echo_type(), "echo-1"};
  REQUIRE_FALSE(ts.request_void(echo.hdl, suspend_atom::value));
  auto out = start_invoke(ts, find(ex::echo_endpoints(), "echo"), echo.hdl, echo_request("x"),
                          500ms);
  ts.run();
  CHECK(out->calls == 0);
  ts.advance(499ms);
  CHECK(out->calls == 0);
  ts.advance(1ms);
  REQUIRE(out->calls == 1);
  REQUIRE_FALSE(*out->result);
  CHECK(out->result->error() == caf::sec::request_timeout);
}

TEST_CASE("a full mailbox yields overloaded without waiting for the timeout") {
  test::test_system ts;
  running_agent echo{ts, ex::echo_type(), "echo-1", 1};
  REQUIRE_FALSE(ts.request_void(echo.hdl, suspend_atom::value));
  auto ep = find(ex::echo_endpoints(), "echo");
  auto held = start_invoke(ts, ep, echo.hdl, echo_request("first"));
  ts.run();
  auto res = invoke(ts, ep, echo.hdl, echo_request("second"));
  REQUIRE_FALSE(res);
  CHECK(res.error() == agent_errc::overloaded);
  // The held request is still served once the agent resumes.
  REQUIRE_FALSE(ts.request_void(echo.hdl, resume_atom::value));
  REQUIRE(held->calls == 1);
  REQUIRE(*held->result);
  CHECK(dynamic_cast<const expb::EchoReply&>(***held->result).text() == "echo-1 #1: first");
}

TEST_CASE("a request of the wrong type, no request, no agent or no time left never reach it") {
  test::test_system ts;
  running_agent echo{ts, ex::echo_type(), "echo-1"};
  auto ep = find(ex::echo_endpoints(), "echo");
  auto res = invoke(ts, ep, echo.hdl, add_request(1));
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  CHECK(text_of(res.error()).find("expects smith.examples.v1.EchoRequest, got "
                                  "smith.examples.v1.AddRequest")
        != std::string::npos);
  res = invoke(ts, ep, echo.hdl, nullptr);
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  res = invoke(ts, ep, caf::actor{}, echo_request("x"));
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  auto late = start_invoke(ts, ep, echo.hdl, echo_request("x"), 0ns);
  ts.run();
  REQUIRE(late->calls == 1);
  CHECK(late->result->error() == caf::sec::request_timeout);
  // None of them reached the agent: this is its first echo.
  res = invoke(ts, ep, echo.hdl, echo_request("ok"));
  REQUIRE(res);
  CHECK(dynamic_cast<const expb::EchoReply&>(**res).text() == "echo-1 #1: ok");
}

TEST_CASE("a dynamic message of the request's type is accepted like the generated class") {
  test::test_system ts;
  running_agent echo{ts, ex::echo_type(), "echo-1"};
  google::protobuf::DynamicMessageFactory factory;
  std::shared_ptr<google::protobuf::Message> dyn{
    factory.GetPrototype(expb::EchoRequest::descriptor())->New()};
  dyn->GetReflection()->SetString(dyn.get(), expb::EchoRequest::descriptor()->FindFieldByName("text"),
                                  "dynamic");
  auto res = invoke(ts, find(ex::echo_endpoints(), "echo"), echo.hdl, dyn);
  REQUIRE(res);
  CHECK(dynamic_cast<const expb::EchoReply&>(**res).text() == "echo-1 #1: dynamic");
}

TEST_CASE("validate accepts the examples' tables and refuses bad, reserved or duplicate actions") {
  CHECK_FALSE(validate(ex::echo_endpoints()));
  CHECK_FALSE(validate(ex::counter_endpoints()));
  CHECK_FALSE(validate(endpoint_table{}));
  auto with_action = [](std::string action) {
    auto t = ex::echo_endpoints();
    t.endpoints[0].action = std::move(action);
    return validate(t);
  };
  for (const std::string& bad :
       std::vector<std::string>{"", "a.b", "a*", "a b", ">", "_all", std::string(129, 'x')}) {
    auto err = with_action(bad);
    CHECK_MESSAGE(err == agent_errc::invalid_name, "action '", bad, "'");
  }
  auto dup = ex::counter_endpoints();
  dup.endpoints[2].action = "add";
  auto err = validate(dup);
  CHECK(err == agent_errc::invalid_name);
  CHECK(text_of(err).find("endpoint #2 'add': duplicate action") != std::string::npos);
  auto no_type = ex::echo_endpoints();
  no_type.endpoints[0].response_type = nullptr;
  CHECK(validate(no_type) == caf::sec::invalid_argument);
  auto no_invoke = ex::echo_endpoints();
  no_invoke.endpoints[0].invoke = nullptr;
  CHECK(validate(no_invoke) == caf::sec::invalid_argument);
}

namespace {

caf::behavior fake_registry(caf::event_based_actor*,
                            std::shared_ptr<std::vector<registry::agent_record>> seen) {
  return {
    [=](registry::register_atom, const registry::agent_record& r) {
      seen->push_back(r);
      return ok_atom::value;
    },
    [](registry::deregister_atom, const std::string&) {},
    [](registry::state_atom, const std::string&, lifecycle_state) {},
  };
}

} // namespace

TEST_CASE("an agent started from its type registers the type's name, which the codec carries") {
  test::test_system ts;
  auto seen = std::make_shared<std::vector<registry::agent_record>>();
  auto reg = ts.sys().spawn(fake_registry, seen);
  ts.sys().registry().put(registry::registry_name, reg);
  auto spec = agent_child(ex::counter_type(), "examples", "counter-1", instance_options{});
  std::string path = "root/examples";
  auto hdl = spec.start({ts.sys(), caf::actor{}, spec.id, 1, path});
  REQUIRE(hdl);
  ts.run();
  REQUIRE(seen->size() == 1);
  auto& rec = seen->front();
  CHECK(rec.agent_type == "counter");
  CHECK(rec.id.name == "counter-1");
  auto pb = registry::to_proto(rec, 0);
  CHECK(pb.agent_type() == "counter");
  auto back = registry::from_proto(pb, 0);
  REQUIRE(back);
  CHECK(back->agent_type == "counter");
  caf::anon_send_exit(*hdl, caf::exit_reason::kill);
  ts.sys().registry().erase(registry::registry_name);
  caf::anon_send_exit(reg, caf::exit_reason::kill);
  ts.run();
}

TEST_CASE("send_request puts the request in the agent's mailbox and read_reply translates the answer") {
  test::test_system ts;
  running_agent counter{ts, ex::counter_type(), "counter-1"};
  auto add = find(ex::counter_endpoints(), "add");
  std::vector<caf::mailbox_element_ptr> got;
  caf::actor_config cfg;
  auto sender = caf::make_actor<caf::actor_companion, caf::strong_actor_ptr>(
    ts.sys().next_actor_id(), ts.sys().node(), &ts.sys(), cfg);
  auto* companion = static_cast<caf::actor_companion*>(caf::actor_cast<caf::abstract_actor*>(sender));
  companion->on_enqueue([&](caf::mailbox_element_ptr x) { got.push_back(std::move(x)); });
  auto id_of = [](const caf::mailbox_element& x) {
    return x.mid.integer_value() & caf::message_id::request_id_mask;
  };
  REQUIRE_FALSE(add.send_request(counter.hdl, add_request(5), sender, caf::make_message_id(7)));
  ts.run();
  REQUIRE(got.size() == 1);
  CHECK(got[0]->mid.is_response());
  CHECK(id_of(*got[0]) == 7);
  auto reply = got[0]->move_content_to_message();
  CHECK(value_of(add.read_reply(reply)) == 5);
  // The agent's error arrives as that error.
  REQUIRE_FALSE(add.send_request(counter.hdl, add_request(INT64_MAX), sender, caf::make_message_id(8)));
  ts.run();
  REQUIRE(got.size() == 2);
  CHECK(id_of(*got[1]) == 8);
  auto failed = got[1]->move_content_to_message();
  auto res = add.read_reply(failed);
  REQUIRE_FALSE(res);
  CHECK(res.error() == caf::sec::invalid_argument);
  CHECK(text_of(res.error()).find("overflows int64") != std::string::npos);
  // Refused before sending: nothing reaches the agent.
  CHECK(add.send_request(counter.hdl, echo_request("x"), sender, caf::make_message_id(9))
        == caf::sec::invalid_argument);
  CHECK(add.send_request(caf::actor{}, add_request(1), sender, caf::make_message_id(10))
        == caf::sec::invalid_argument);
  ts.run();
  CHECK(got.size() == 2);
  // A reply of other types than from_reply takes is an error, not a crash.
  auto odd = caf::make_message(std::string{"not a counter"});
  auto mistyped = add.read_reply(odd);
  REQUIRE_FALSE(mistyped);
  CHECK(mistyped.error() == caf::sec::unexpected_response);
  companion->on_enqueue({});
  companion->cleanup(caf::make_error(caf::exit_reason::normal), nullptr);
}
