// Agent identity construction and UUIDs.
#include "runtime/agent/agent_id.hpp"

#include <random>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/core/token.hpp"

namespace smith::agent {

caf::error validate_agent_id(std::string_view domain, std::string_view name,
                             std::string_view version) {
  if (auto why = token_error(domain))
    return caf::make_error(agent_errc::invalid_name,
                           "domain '" + std::string{domain} + "' " + *why);
  if (auto why = token_error(name))
    return caf::make_error(agent_errc::invalid_name,
                           "agent name '" + std::string{name} + "' " + *why);
  auto v = parse_semver(version);
  if (!v)
    return std::move(v.error());
  return {};
}

caf::expected<agent_id> make_agent_id(const std::string& domain, const std::string& name,
                                      const std::string& version) {
  if (auto err = validate_agent_id(domain, name, version))
    return err;
  return agent_id{domain, name, new_uuid(), version};
}

uuid uuid::random() {
  // One generator per thread: agents start on any scheduler thread.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL; // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL; // RFC 4122 variant
  return {hi, lo};
}

namespace {

/// The value of lowercase hex digit `c`, or -1.
int uuid_hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.size() != 36)
    return std::nullopt;
  uuid out;
  int nibbles = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-')
        return std::nullopt;
      continue;
    }
    auto v = uuid_hex_value(text[i]);
    if (v < 0)
      return std::nullopt;
    auto& half = nibbles < 16 ? out.hi : out.lo;
    half = (half << 4) | static_cast<uint64_t>(v);
    ++nibbles;
  }
  if (out.empty())
    return std::nullopt; // all zero means "none"
  return out;
}

std::string to_string(const uuid& x) {
  if (x.empty())
    return {};
  static const char* hex = "0123456789abcdef";
  std::string out(36, '-');
  size_t pos = 0;
  auto put = [&](uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i)
      out[pos++] = hex[(v >> (i * 4)) & 0xF];
  };
  put(x.hi >> 32, 8);
  ++pos;
  put((x.hi >> 16) & 0xFFFF, 4);
  ++pos;
  put(x.hi & 0xFFFF, 4);
  ++pos;
  put(x.lo >> 48, 4);
  ++pos;
  put(x.lo & 0xFFFFFFFFFFFFULL, 12);
  return out;
}

std::string new_uuid() {
  return to_string(uuid::random());
}

std::string qualified_name(std::string_view domain, std::string_view name,
                           std::string_view version) {
  std::string out;
  out.reserve(domain.size() + name.size() + version.size() + 2);
  out.append(domain).append(1, '/').append(name).append(1, '@').append(version);
  return out;
}

std::string qualified_name(const agent_id& id) {
  return qualified_name(id.domain, id.name, id.version);
}

std::string to_string(const agent_id& id) {
  return qualified_name(id) + "#" + id.instance;
}

} // namespace smith::agent
