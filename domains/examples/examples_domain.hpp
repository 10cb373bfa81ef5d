// The examples domain: an echo agent and a stateful counter agent.
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "runtime/agent/agent.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/domain/domain_catalog.hpp"

namespace smith::examples {

using echo_atom = caf::atom_constant<caf::atom("echo")>;
using add_atom = caf::atom_constant<caf::atom("add")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using reset_atom = caf::atom_constant<caf::atom("reset")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;

/// Echo: replies with the text it was sent, prefixed by the agent's name
/// and its count of echoes ("echo-1 #3: hello").
using echo_iface = caf::typed_actor<caf::replies_to<echo_atom, std::string>::with<std::string>>;
using echo_actor = agent::agent_handle<echo_iface>;

/// Counter: add(n) -> new value (caf::sec::invalid_argument, counter unchanged, if it would
/// overflow int64); get -> value; reset -> previous value; crash -> throws (an induced failure that the supervisor restarts; the
/// restarted counter starts from 0 until persistence arrives).
using counter_iface = caf::typed_actor<caf::replies_to<add_atom, int64_t>::with<int64_t>,
                                       caf::replies_to<get_atom>::with<int64_t>,
                                       caf::replies_to<reset_atom>::with<int64_t>,
                                       caf::replies_to<crash_atom>::with<int64_t>>;
using counter_actor = agent::agent_handle<counter_iface>;

#ifndef SMITH_EXAMPLES_VERSION
/// Overridable at build time: the tests build the same code as examples 2.0.0 to run two
/// majors side by side (tests/runtime/plugin/fixtures).
#  define SMITH_EXAMPLES_VERSION "1.0.0"
#endif

/// Version of the examples domain and its agent types.
inline constexpr const char* examples_version = SMITH_EXAMPLES_VERSION;

/// The echo agent type ("echo", capability "echo", endpoints echo_endpoints()).
agent::agent_type echo_type();

/// The counter agent type ("counter", capabilities "count" and "crash-test", endpoints
/// counter_endpoints()).
agent::agent_type counter_type();

/// Echo's wire actions: "echo" (smith.examples.v1.EchoRequest -> EchoReply).
agent::endpoint_table echo_endpoints();

/// Counter's wire actions, each replying smith.examples.v1.CounterValue: "add" (AddRequest),
/// "get" (GetRequest), "reset" (ResetRequest). "crash" is in-process only.
agent::endpoint_table counter_endpoints();

/// The whole domain, ready for domain_catalog::add.
domain::domain_descriptor examples_domain();

} // namespace smith::examples
