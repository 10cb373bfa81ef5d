// The echo agent.
#include "domains/examples/examples_domain.hpp"

#include "runtime/agent/agent_type.hpp"
#include "smith/examples/v1/examples.pb.h"

namespace smith::examples {

namespace {

struct echo_state {
  uint64_t echoes = 0;
};

using echo_self = agent::agent_actor<echo_iface, echo_state>;

echo_iface::behavior_type echo_impl(echo_self* self) {
  return {
    [=](echo_atom, const std::string& text) {
      return self->config().name() + " #" + std::to_string(++self->state.echoes) + ": " + text;
    },
  };
}

} // namespace

agent::endpoint_table echo_endpoints() {
  auto to_msg = [](const v1::EchoRequest& r) { return std::make_tuple(echo_atom::value, r.text()); };
  auto from_reply = [](const std::string& text) {
    v1::EchoReply out;
    out.set_text(text);
    return out;
  };
  return {{agent::make_endpoint<v1::EchoRequest, v1::EchoReply>("echo", to_msg, from_reply)}};
}

agent::agent_type echo_type() {
  return agent::make_agent_type<echo_iface, echo_state>(
    "echo", examples_version, {{"echo", examples_version, {}}}, echo_impl, {},
    std::make_shared<const agent::endpoint_table>(echo_endpoints()));
}

} // namespace smith::examples
