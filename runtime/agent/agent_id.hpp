// Agent identity: domain, name, instance UUID and version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <optional>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

namespace smith::agent {

/// Identity of one agent incarnation (mirrors smith.agent.v1.AgentId).
/// domain and name are validated subject tokens; version is SemVer 2.0.
struct agent_id {
  std::string domain;
  std::string name;
  /// RFC 4122 version-4 UUID, lowercase; new for every incarnation.
  std::string instance;
  std::string version;
};

/// An RFC 4122 version-4 UUID in 16 bytes (an agent keeps its instance id this way and
/// formats it on demand). All zero = none.
struct uuid {
  uint64_t hi = 0;
  uint64_t lo = 0;

  /// A random version-4 UUID (one generator per thread).
  static uuid random();
  /// Parses the canonical lowercase form ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"); nullopt
  /// for anything else (upper case, other lengths, non-hex digits).
  static std::optional<uuid> parse(std::string_view text);
  bool empty() const noexcept { return hi == 0 && lo == 0; }
};

inline bool operator==(const uuid& x, const uuid& y) {
  return x.hi == y.hi && x.lo == y.lo;
}

/// The canonical lowercase form, 36 characters; empty for an all-zero uuid.
std::string to_string(const uuid& x);

/// Builds an id with a fresh instance UUID after validating every part.
/// Errors: agent_errc::invalid_name (which part and why) or invalid_version.
caf::expected<agent_id> make_agent_id(const std::string& domain, const std::string& name,
                                      const std::string& version);

/// Checks the parts make_agent_id checks, without building an id: none when valid.
caf::error validate_agent_id(std::string_view domain, std::string_view name,
                             std::string_view version);

/// Returns a random RFC 4122 version-4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
std::string new_uuid();

/// "domain/name@version" (without the instance).
std::string qualified_name(std::string_view domain, std::string_view name,
                           std::string_view version);

/// qualified_name of the id's domain, name and version.
std::string qualified_name(const agent_id& id);

/// "domain/name@version#instance".
std::string to_string(const agent_id& id);

inline bool operator==(const agent_id& x, const agent_id& y) {
  return x.domain == y.domain && x.name == y.name && x.instance == y.instance
         && x.version == y.version;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_id& x) {
  return f(caf::meta::type_name("smith.agent_id"), x.domain, x.name, x.instance, x.version);
}

} // namespace smith::agent
