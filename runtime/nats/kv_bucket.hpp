// A JetStream key-value bucket over one NATS connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/nats/connection.hpp"

struct __jsCtx;
struct __kvStore;
struct __kvWatcher;

namespace smith::nats {

/// How a bucket is created when it does not exist yet (ignored when it does).
struct kv_options {
  /// Bucket name: letters, digits, '-' and '_'.
  std::string bucket;
  /// Stream replicas, 1..5 (at most the cluster size).
  int replicas = 1;
  /// Entries older than this are removed by the server; 0 = never.
  std::chrono::milliseconds max_age{0};
  /// Revisions kept per key, 1..64.
  int history = 1;
};

/// One key's current value.
struct kv_entry {
  std::string key;
  std::string value;
  uint64_t revision = 0;
};

/// One change seen by a watcher; deleted (or purged) keys have an empty value.
struct kv_change {
  std::string key;
  std::string value;
  uint64_t revision = 0;
  bool deleted = false;
};

/// Stops a watch on destruction (joining its thread). Movable.
class kv_watcher {
public:
  struct impl;
  kv_watcher() = default;
  explicit kv_watcher(std::unique_ptr<impl> x) noexcept;
  kv_watcher(kv_watcher&&) noexcept;
  kv_watcher& operator=(kv_watcher&&) noexcept;
  ~kv_watcher();

  /// Stops the watch now (idempotent). Must not be called from inside its own callback.
  void stop();

private:
  std::unique_ptr<impl> impl_;
};

/// A bound KV bucket. Thread-safe. Keeps its connection alive.
class kv_bucket {
public:
  /// Binds to `opts.bucket`, creating it with `opts` when it does not exist.
  /// Errors: jetstream (not enabled, bad config), timeout, connection_closed.
  static caf::expected<std::shared_ptr<kv_bucket>> open(std::shared_ptr<connection> conn,
                                                         const kv_options& opts);

  ~kv_bucket();
  kv_bucket(const kv_bucket&) = delete;
  kv_bucket& operator=(const kv_bucket&) = delete;

  /// Stores `value` under `key`; returns the new revision. Errors: invalid_argument (bad key), ...
  caf::expected<uint64_t> put(const std::string& key, std::string_view value);

  /// The current value of `key`. Errors: not_found (absent or deleted), ...
  caf::expected<kv_entry> get(const std::string& key);

  /// Deletes `key` (a delete marker; watchers see deleted = true).
  caf::error erase(const std::string& key);

  /// All keys with a current value (empty bucket: empty list).
  caf::expected<std::vector<std::string>> keys();

  /// All current entries whose key starts with `prefix` (all when empty).
  caf::expected<std::vector<kv_entry>> entries(std::string_view prefix = {});

  /// Watches keys matching `key_pattern` ('*' and '>' wildcards; ">" = everything).
  /// `on_change` first receives every current value, then each change, in order, on the
  /// watcher's own thread; it must not throw (a throw is reported as conn_event::error).
  caf::expected<kv_watcher> watch(const std::string& key_pattern,
                                  std::function<void(kv_change&&)> on_change);

  /// The bucket's name.
  const std::string& name() const noexcept { return name_; }

private:
  kv_bucket(std::shared_ptr<connection> conn, std::string name);

  std::shared_ptr<connection> conn_;
  std::string name_;
  __jsCtx* js_ = nullptr;
  __kvStore* kv_ = nullptr;
};

} // namespace smith::nats
