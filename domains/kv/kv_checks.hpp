// Checks of kv requests (keys, TTLs, compare-and-set conditions, query filters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domains/kv/kv_store.hpp"
#include "smith/kv/v1/kv.pb.h"

namespace smith::kv {

/// A failed check, or nullopt when the request passes.
using opt_error = std::optional<v1::Error>;

/// An Error with `code` and `message`.
v1::Error make_kv_error(v1::KvErrorCode code, std::string message);

/// `key` quoted for messages, cut to 64 bytes (with its length when cut).
std::string quoted(const std::string& key);

/// INVALID_KEY when `key` is empty or longer than `l.max_key_bytes`.
opt_error check_key(const std::string& key, const kv_limits& l);

/// Sets `out` to the expiry of `req` stored at Unix time `now` (ns; 0 = never). INVALID_TTL for
/// negative seconds or nanos, nanos above 999999999, or more than max_ttl_seconds.
opt_error expiry_of(const v1::Store& req, int64_t now, int64_t& out);

/// Whether `req`'s compare-and-set condition holds for the key's live version `current`
/// (0 = absent or expired): VERSION_CONFLICT or ALREADY_EXISTS when it does not.
opt_error check_condition(const v1::Store& req, uint64_t current);

/// INVALID_FILTER when the limit is above `l.max_query_limit`, start or end does not start with
/// the prefix, or end <= start (both set).
opt_error check_query(const v1::Query& q, const kv_limits& l);

} // namespace smith::kv
