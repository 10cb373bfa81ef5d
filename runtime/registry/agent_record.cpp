// Registry record helpers.
#include "runtime/registry/agent_record.hpp"

namespace smith::registry {

const char* to_string(health x) {
  switch (x) {
    case health::healthy: return "healthy";
    case health::degraded: return "degraded";
    case health::down: return "down";
  }
  return "unknown";
}

bool matches(const record_filter& f, const agent_record& r) {
  if (!f.domain.empty() && f.domain != r.id.domain)
    return false;
  if (!f.node.empty() && f.node != r.node)
    return false;
  if (f.state != any_state && f.state != r.state)
    return false;
  if (f.health_ != any_health && f.health_ != r.health_)
    return false;
  if (f.capability.empty())
    return true;
  for (auto& c : r.capabilities)
    if (c.name == f.capability)
      return true;
  return false;
}

} // namespace smith::registry
