// The hello domain: the smallest complete domain plugin (copy this folder to start a new one).
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "runtime/agent/agent.hpp"
#include "runtime/domain/domain_descriptor.hpp"

namespace smith::hello {

using greet_atom = caf::atom_constant<caf::atom("greet")>;

/// Greeter: greet(name) -> "{greeting}, {name}!" (greeting from the pool's settings).
using greeter_iface = caf::typed_actor<caf::replies_to<greet_atom, std::string>::with<std::string>>;

/// Version of the domain, its agent type and its capability.
inline constexpr const char* hello_version = "1.0.0";

/// The whole domain: agent type "greeter" (capability "greet", wire action "greet"), its
/// default pool and the settings it accepts (`greeting`, a string).
domain::domain_descriptor hello_domain();

} // namespace smith::hello
