// The greeter agent and the hello domain's descriptor.
#include "domains/template/hello_domain.hpp"

#include "runtime/agent/agent_type.hpp"
#include "runtime/agent/endpoint.hpp"
#include "smith/hello/v1/hello.pb.h"

namespace smith::hello {

namespace {

struct greeter_state {
  std::string greeting = "Hello";
};

using greeter_self = agent::agent_actor<greeter_iface, greeter_state>;

greeter_iface::behavior_type greeter_impl(greeter_self* self) {
  // Settings come from the node config ([[domain.pool]] settings), checked against the schema.
  if (auto i = self->config().settings().find("greeting"); i != self->config().settings().end())
    self->state.greeting = i->second;
  return {
    [=](greet_atom, const std::string& name) { return self->state.greeting + ", " + name + "!"; },
  };
}

agent::endpoint_table greeter_endpoints() {
  auto to_msg = [](const v1::GreetRequest& r) { return std::make_tuple(greet_atom::value, r.name()); };
  auto from_reply = [](const std::string& text) {
    v1::GreetReply out;
    out.set_text(text);
    return out;
  };
  return {{agent::make_endpoint<v1::GreetRequest, v1::GreetReply>("greet", to_msg, from_reply)}};
}

} // namespace

domain::domain_descriptor hello_domain() {
  domain::domain_descriptor d;
  d.name = "hello";
  d.version = hello_version;
  d.agents.push_back(agent::make_agent_type<greeter_iface, greeter_state>(
    "greeter", hello_version, {{"greet", hello_version, {}}}, greeter_impl, {},
    std::make_shared<const agent::endpoint_table>(greeter_endpoints())));
  domain::pool_defaults pool;
  pool.agent = "greeter";
  pool.instances = 2;
  d.default_pools.push_back(pool);
  d.schema.push_back({"greeter", "greeting", domain::setting_kind::string, false,
                      "the word the greeter greets with (default \"Hello\")"});
  return d;
}

} // namespace smith::hello
