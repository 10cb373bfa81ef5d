// Agent identity construction and UUIDs.
#include "runtime/agent/agent_id.hpp"

#include <random>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/core/token.hpp"

namespace smith::agent {

caf::expected<agent_id> make_agent_id(const std::string& domain, const std::string& name,
                                      const std::string& version) {
  if (auto why = token_error(domain))
    return caf::make_error(agent_errc::invalid_name, "domain '" + domain + "' " + *why);
  if (auto why = token_error(name))
    return caf::make_error(agent_errc::invalid_name, "agent name '" + name + "' " + *why);
  auto v = parse_semver(version);
  if (!v)
    return std::move(v.error());
  return agent_id{domain, name, new_uuid(), version};
}

std::string new_uuid() {
  // One generator per thread: agents start on any scheduler thread.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL; // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL; // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i)
      out += hex[(v >> (i * 4)) & 0xF];
  };
  put(hi >> 32, 8);
  out += '-';
  put((hi >> 16) & 0xFFFF, 4);
  out += '-';
  put(hi & 0xFFFF, 4);
  out += '-';
  put(lo >> 48, 4);
  out += '-';
  put(lo & 0xFFFFFFFFFFFFULL, 12);
  return out;
}

std::string qualified_name(const agent_id& id) {
  return id.domain + "/" + id.name + "@" + id.version;
}

std::string to_string(const agent_id& id) {
  return qualified_name(id) + "#" + id.instance;
}

} // namespace smith::agent
