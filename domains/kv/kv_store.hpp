// The kv engine: versioned entries with TTLs in RocksDB column families, validated requests in,
// protobuf replies out. Synchronous and blocking (disk I/O): used by the detached kv agent.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/storage/store.hpp"
#include "smith/kv/v1/kv.pb.h"

namespace smith::kv {

/// Unix time in nanoseconds. The engine asks it once per request (tests inject a manual one).
using kv_clock = std::function<int64_t()>;

/// std::chrono::system_clock as a kv_clock.
int64_t system_now_ns();

/// Bounds on requests; a request beyond one is refused with the matching KvErrorCode.
struct kv_limits {
  /// Longest key in bytes (INVALID_KEY above it).
  uint32_t max_key_bytes = 1024;
  /// Largest value in bytes (VALUE_TOO_LARGE above it).
  uint64_t max_value_bytes = uint64_t{1} << 20;
  /// Largest Query.limit (INVALID_FILTER above it).
  uint32_t max_query_limit = 1000;
  /// Entries a query returns when its limit is 0 (at most max_query_limit).
  uint32_t default_query_limit = 100;
};

/// Longest TTL accepted: 100 years (INVALID_TTL above it).
inline constexpr int64_t max_ttl_seconds = int64_t{100} * 365 * 24 * 3600;

/// One kv database. Move-only; not thread-safe (one owner, the kv agent). Every method
/// answers; failures are replies carrying an Error, and a failed request changes nothing.
class kv_store {
public:
  /// Opens (creating if needed) the database at `opts.path` with the kv column families and
  /// reads the version counter. Errors: storage_errc (open failed; a corrupt counter is
  /// `corruption`).
  static caf::expected<kv_store> open(storage::store_options opts, kv_limits limits,
                                      kv_clock clock);

  /// Sets the entry (see kv.proto Store). Errors in the reply: INVALID_KEY, VALUE_TOO_LARGE,
  /// INVALID_TTL, VERSION_CONFLICT, ALREADY_EXISTS, STORAGE.
  v1::StoreReply store(const v1::Store& req);

  /// The live entry or its absence. Errors in the reply: INVALID_KEY, STORAGE.
  v1::RetrieveReply retrieve(const v1::Retrieve& req);

  /// Live entries matching the filter in key order. Errors in the reply: INVALID_FILTER,
  /// STORAGE.
  v1::QueryReply query(const v1::Query& req);

  /// What one sweep step did.
  struct sweep_result {
    /// Expired entries deleted.
    uint64_t removed = 0;
    /// Whether it stopped at `max_keys` index lines (more may be due now).
    bool more = false;
  };

  /// Deletes the entries of up to `max_keys` due expiry index lines (and the lines) in one
  /// atomic batch. Errors: storage_errc.
  caf::expected<sweep_result> sweep(size_t max_keys);

  /// The last version handed out (0 for a new database).
  uint64_t last_version() const noexcept { return last_version_; }

  /// The limits it enforces.
  const kv_limits& limits() const noexcept { return limits_; }

  /// Closes the database (idempotent); later requests answer STORAGE.
  caf::error close();

private:
  explicit kv_store(storage::store db) noexcept;

  struct cols {
    storage::column entries;
    storage::column expiry;
    storage::column meta;
  };

  caf::expected<std::optional<std::string>> read(const std::string& key) const;

  storage::store db_;
  cols cols_;
  kv_limits limits_;
  kv_clock clock_;
  uint64_t last_version_ = 0;
};

} // namespace smith::kv
