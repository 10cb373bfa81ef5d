// Names of agent error codes.
#include "runtime/agent/agent_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::agent {

std::string to_string(agent_errc x) {
  switch (x) {
    case agent_errc::none: return "none";
    case agent_errc::invalid_name: return "invalid_name";
    case agent_errc::invalid_version: return "invalid_version";
    case agent_errc::illegal_transition: return "illegal_transition";
    case agent_errc::overloaded: return "overloaded";
    case agent_errc::draining: return "draining";
    case agent_errc::handler_exception: return "handler_exception";
    case agent_errc::unexpected_message: return "unexpected_message";
    case agent_errc::start_failed: return "start_failed";
    case agent_errc::no_journal: return "no_journal";
  }
  return "unknown";
}

std::string render_agent_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<agent_errc>(code, ctx);
}

} // namespace smith::agent
