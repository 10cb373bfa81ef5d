// The KV worker: a detached actor, so JetStream round trips never block a scheduler thread.
#include "actors/cluster/kv_writer.hpp"

#include <chrono>
#include <thread>
#include <utility>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace smith::cluster {

namespace {

/// Tries of one KV put before it is logged as failed (backoff 50, 100, 200 ms between).
constexpr int kv_put_attempts = 4;

struct kv_writer_state {
  static inline const char* name = "smith.kv_writer";
  std::shared_ptr<nats::connection> conn;
  nats::kv_options opts;
  std::shared_ptr<nats::kv_bucket> bucket;
  /// Writes that failed since the last flush.
  uint64_t failed = 0;
};

using kv_self = caf::stateful_actor<kv_writer_state>*;

/// The bound bucket, opening it first if needed; null (logged) when that fails.
nats::kv_bucket* bucket(kv_self self) {
  auto& st = self->state;
  if (!st.bucket) {
    auto b = nats::kv_bucket::open(st.conn, st.opts);
    if (!b) {
      spdlog::warn("replicator: KV bucket {} unavailable: {}", st.opts.bucket,
                   self->system().render(b.error()));
      return nullptr;
    }
    st.bucket = std::move(*b);
  }
  return st.bucket.get();
}

void log_error(kv_self self, const caf::error& err, const char* what, const std::string& key) {
  if (!err)
    return;
  ++self->state.failed;
  spdlog::warn("replicator: KV {} of {} failed: {}", what, key, self->system().render(err));
}

/// Puts with a bounded retry: right after a bucket with replicas=3 is created its stream
/// may not have a leader yet, and the first puts fail. The worker is detached, so the
/// short blocking backoff (at most ~0.75 s) stalls only it, and it keeps the order of
/// puts and erases, which a timer-based retry would not.
void put(kv_self self, nats::kv_bucket& b, const std::string& key, const std::string& value) {
  auto backoff = std::chrono::milliseconds{50};
  for (int attempt = 1;; ++attempt) {
    auto rev = b.put(key, value);
    if (rev)
      return;
    if (attempt == kv_put_attempts)
      return log_error(self, rev.error(), "put", key);
    std::this_thread::sleep_for(backoff); // backoff of a detached worker, not synchronisation
    backoff *= 2;
  }
}

void refresh(kv_self self, const std::string& prefix,
             const std::map<std::string, std::string>& entries) {
  auto* b = bucket(self);
  if (b == nullptr)
    return;
  if (auto current = b->entries(prefix)) {
    for (auto& e : *current)
      if (entries.count(e.key) == 0)
        log_error(self, b->erase(e.key), "erase", e.key);
  } else {
    log_error(self, current.error(), "listing", prefix);
  }
  for (auto& [key, value] : entries)
    put(self, *b, key, value);
}

caf::behavior kv_writer_impl(kv_self self, std::shared_ptr<nats::connection> conn,
                             nats::kv_options opts) {
  self->state.conn = std::move(conn);
  self->state.opts = std::move(opts);
  return {
    [=](kv_put_atom, const std::string& key, const std::string& value) {
      if (auto* b = bucket(self))
        put(self, *b, key, value);
      else
        ++self->state.failed;
    },
    [=](kv_erase_atom, const std::string& key) {
      if (auto* b = bucket(self))
        log_error(self, b->erase(key), "erase", key);
      else
        ++self->state.failed;
    },
    [=](kv_flush_atom) { return std::exchange(self->state.failed, uint64_t{0}); },
    [=](kv_refresh_atom, const std::string& prefix,
        const std::map<std::string, std::string>& entries) { refresh(self, prefix, entries); },
    [=](kv_seed_atom) -> caf::result<std::map<std::string, std::string>> {
      auto* b = bucket(self);
      if (b == nullptr)
        return caf::make_error(caf::sec::runtime_error, "KV bucket unavailable");
      auto entries = b->entries();
      if (!entries)
        return std::move(entries.error());
      std::map<std::string, std::string> out;
      for (auto& e : *entries)
        out.emplace(std::move(e.key), std::move(e.value));
      return out;
    },
    [=](kv_purge_atom, const std::string& prefix) {
      refresh(self, prefix, {});
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_kv_writer(caf::actor_system& sys, std::shared_ptr<nats::connection> conn,
                           nats::kv_options opts) {
  return sys.spawn<caf::detached>(kv_writer_impl, std::move(conn), std::move(opts));
}

} // namespace smith::cluster
