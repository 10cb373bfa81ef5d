// The echo agent.
#include "domains/examples/examples_domain.hpp"

#include "runtime/agent/agent_type.hpp"

namespace smith::examples {

namespace {

struct echo_state {
  uint64_t echoes = 0;
};

using echo_self = agent::agent_actor<echo_iface, echo_state>;

echo_iface::behavior_type echo_impl(echo_self* self) {
  return {
    [=](echo_atom, const std::string& text) {
      return self->config().id.name + " #" + std::to_string(++self->state.echoes) + ": " + text;
    },
  };
}

} // namespace

agent::agent_type echo_type() {
  return agent::make_agent_type<echo_iface, echo_state>("echo", examples_version,
                                                        {{"echo", "1.0.0", {}}}, echo_impl);
}

} // namespace smith::examples
