// A small SDK agent for tests: adds numbers, can throw, can be asked for its incarnation.
#pragma once

#include <stdexcept>

#include <caf/all.hpp>

#include "runtime/agent/agent.hpp"
#include "runtime/agent/agent_type.hpp"

namespace smith::test {

using add_atom = caf::atom_constant<caf::atom("add")>;
using boom_atom = caf::atom_constant<caf::atom("boom")>;
using unknown_atom = caf::atom_constant<caf::atom("unknown")>;

using calc_iface = caf::typed_actor<caf::replies_to<add_atom, int64_t>::with<int64_t>,
                                    caf::replies_to<boom_atom>::with<int64_t>>;
using calc_actor = agent::agent_handle<calc_iface>;

struct calc_state {
  int64_t total = 0;
};

using calc_self = agent::agent_actor<calc_iface, calc_state>;

inline calc_iface::behavior_type calc_impl(calc_self* self) {
  return {
    [=](add_atom, int64_t n) { return self->state.total += n; },
    [=](boom_atom) -> int64_t { throw std::runtime_error("calculator on fire"); },
  };
}

inline agent::agent_type calc_type() {
  return agent::make_agent_type<calc_iface, calc_state>("calc", "1.2.3", {{"add", "1.0.0", {}}},
                                                        calc_impl);
}

inline agent::agent_config calc_config(size_t capacity = 1024) {
  agent::agent_config cfg;
  cfg.id = *agent::make_agent_id("tests", "calc", "1.2.3");
  cfg.mailbox_capacity = capacity;
  return cfg;
}

} // namespace smith::test
