// The stateful counter agent.
#include "domains/examples/examples_domain.hpp"

#include <stdexcept>

#include "runtime/agent/agent_type.hpp"

namespace smith::examples {

namespace {

struct counter_state {
  int64_t value = 0;
};

using counter_self = agent::agent_actor<counter_iface, counter_state>;

counter_iface::behavior_type counter_impl(counter_self* self) {
  return {
    [=](add_atom, int64_t n) { return self->state.value += n; },
    [=](get_atom) { return self->state.value; },
    [=](reset_atom) { return std::exchange(self->state.value, 0); },
    [=](crash_atom) -> int64_t {
      throw std::runtime_error("induced crash at value " + std::to_string(self->state.value));
    },
  };
}

} // namespace

agent::agent_type counter_type() {
  return agent::make_agent_type<counter_iface, counter_state>(
    "counter", examples_version, {{"count", "1.0.0", {}}, {"crash-test", "1.0.0", {}}},
    counter_impl);
}

domain::domain_descriptor examples_domain() {
  return {"examples", examples_version, {echo_type(), counter_type()}};
}

} // namespace smith::examples
