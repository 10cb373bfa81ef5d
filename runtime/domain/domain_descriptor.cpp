// Domain descriptor helpers.
#include "runtime/domain/domain_descriptor.hpp"

namespace smith::domain {

const char* to_string(setting_kind x) {
  switch (x) {
    case setting_kind::string:
      return "string";
    case setting_kind::integer:
      return "integer";
    case setting_kind::boolean:
      return "boolean";
    case setting_kind::number:
      return "number";
  }
  return "?";
}

std::vector<pool_defaults> effective_default_pools(const domain_descriptor& d) {
  if (!d.default_pools.empty())
    return d.default_pools;
  std::vector<pool_defaults> out;
  for (auto& t : d.agents) {
    pool_defaults p;
    p.agent = t.name;
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace smith::domain
