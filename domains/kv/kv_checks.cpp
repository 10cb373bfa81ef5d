// Checks of kv requests against the limits, each failure an Error with its specific code.
#include "domains/kv/kv_checks.hpp"

namespace smith::kv {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

v1::Error make_kv_error(v1::KvErrorCode code, std::string message) {
  v1::Error e;
  e.set_code(code);
  e.set_message(std::move(message));
  return e;
}

std::string quoted(const std::string& key) {
  std::string out;
  // Appended piecewise: GCC 12 warns (-Wstringop-overflow) on "'" + key + "'".
  out.append(1, '\'').append(key, 0, 64).append(1, '\'');
  if (key.size() > 64)
    out.append("... (").append(std::to_string(key.size())).append(" bytes)");
  return out;
}

opt_error check_key(const std::string& key, const kv_limits& l) {
  if (key.empty())
    return make_kv_error(v1::INVALID_KEY, "key is empty");
  if (key.size() > l.max_key_bytes)
    return make_kv_error(v1::INVALID_KEY, "key of " + std::to_string(key.size())
                                            + " bytes is above the maximum of "
                                            + std::to_string(l.max_key_bytes) + " bytes");
  return std::nullopt;
}

/// The expiry of `req` stored at `now` (0 = never) in `out`, or why its TTL is invalid.
opt_error expiry_of(const v1::Store& req, int64_t now, int64_t& out) {
  out = 0;
  if (!req.has_ttl())
    return std::nullopt;
  auto s = req.ttl().seconds();
  auto n = req.ttl().nanos();
  auto shown = "ttl {seconds: " + std::to_string(s) + ", nanos: " + std::to_string(n) + "}";
  if (s < 0 || n < 0 || n > 999'999'999)
    return make_kv_error(v1::INVALID_TTL,
                         shown + ": seconds must be >= 0 and nanos in 0..999999999");
  if (s > max_ttl_seconds)
    return make_kv_error(v1::INVALID_TTL, shown + " is above the maximum of "
                                            + std::to_string(max_ttl_seconds) + " seconds");
  if (s != 0 || n != 0)
    out = now + s * 1'000'000'000 + n;
  return std::nullopt;
}

/// Whether `req`'s compare-and-set condition holds for the key's live version `current`
/// (0 = absent or expired).
opt_error check_condition(const v1::Store& req, uint64_t current) {
  if (req.condition_case() == v1::Store::kExpectedVersion && req.expected_version() != 0
      && req.expected_version() != current)
    return make_kv_error(v1::VERSION_CONFLICT,
                         "key " + quoted(req.key()) + ": expected version "
                           + std::to_string(req.expected_version()) + ", current version "
                           + (current == 0 ? std::string{"none (absent)"} : std::to_string(current)));
  if (req.condition_case() == v1::Store::kIfAbsent && req.if_absent() && current != 0)
    return make_kv_error(v1::ALREADY_EXISTS, "key " + quoted(req.key())
                                               + " exists (version " + std::to_string(current) + ")");
  return std::nullopt;
}

opt_error check_query(const v1::Query& q, const kv_limits& l) {
  auto& f = q.filter();
  auto bad = [](std::string why) { return make_kv_error(v1::INVALID_FILTER, std::move(why)); };
  if (q.limit() > l.max_query_limit)
    return bad("limit " + std::to_string(q.limit()) + " is above the maximum of "
               + std::to_string(l.max_query_limit));
  if (!f.start().empty() && !starts_with(f.start(), f.prefix()))
    return bad("filter.start " + quoted(f.start()) + " does not start with filter.prefix "
               + quoted(f.prefix()));
  if (!f.end().empty() && !starts_with(f.end(), f.prefix()))
    return bad("filter.end " + quoted(f.end()) + " does not start with filter.prefix "
               + quoted(f.prefix()));
  if (!f.start().empty() && !f.end().empty() && f.end() <= f.start())
    return bad("filter.end " + quoted(f.end()) + " is not after filter.start "
               + quoted(f.start()));
  return std::nullopt;
}

} // namespace smith::kv
