// JetStream KV over one connection: open/create, put, get, erase, keys, entries, watch.
#include "runtime/nats/kv_bucket.hpp"

#include <atomic>
#include <exception>
#include <thread>

#include <nats/nats.h>

#include "runtime/nats/internal/event_hub.hpp"
#include "runtime/nats/nats_errc.hpp"

namespace smith::nats {

namespace {

// How long a kvWatcher_Next waits before looping; kvWatcher_Stop wakes it earlier.
constexpr int64_t watch_poll_ms = 60'000;
// Bound for gathering keys/entries (nats.c's own default is 5 s).
constexpr int64_t listing_timeout_ms = 5'000;

kv_change to_change(kvEntry* e) {
  kv_change result;
  result.key = kvEntry_Key(e);
  result.revision = kvEntry_Revision(e);
  auto op = kvEntry_Operation(e);
  result.deleted = op == kvOp_Delete || op == kvOp_Purge;
  if (!result.deleted && kvEntry_Value(e) != nullptr)
    result.value.assign(static_cast<const char*>(kvEntry_Value(e)),
                        static_cast<size_t>(kvEntry_ValueLen(e)));
  return result;
}

} // namespace

struct kv_watcher::impl {
  kvWatcher* w = nullptr;
  std::function<void(kv_change&&)> on_change;
  std::shared_ptr<connection::event_hub> hub;
  std::string pattern;
  std::thread worker;

  void run() {
    for (;;) {
      kvEntry* e = nullptr;
      auto s = kvWatcher_Next(&e, w, watch_poll_ms);
      if (s == NATS_TIMEOUT)
        continue;
      if (s != NATS_OK)
        return; // stopped (NATS_ILLEGAL_STATE) or the connection closed
      if (e == nullptr)
        continue; // end of the initial values
      deliver(e);
    }
  }

  void deliver(kvEntry* e) noexcept {
    try {
      auto change = to_change(e);
      kvEntry_Destroy(e);
      on_change(std::move(change));
    } catch (const std::exception& ex) {
      hub->emit(conn_event::error, "KV watch '" + pattern + "' callback threw: " + ex.what());
    } catch (...) {
      hub->emit(conn_event::error, "KV watch '" + pattern + "' callback threw");
    }
  }

  ~impl() {
    if (w == nullptr)
      return;
    kvWatcher_Stop(w);
    if (worker.joinable())
      worker.join();
    kvWatcher_Destroy(w);
  }
};

kv_watcher::kv_watcher(std::unique_ptr<impl> x) noexcept : impl_(std::move(x)) {
  // nop
}

kv_watcher::kv_watcher(kv_watcher&&) noexcept = default;
kv_watcher& kv_watcher::operator=(kv_watcher&&) noexcept = default;

kv_watcher::~kv_watcher() {
  stop();
}

void kv_watcher::stop() {
  impl_.reset();
}

kv_bucket::kv_bucket(std::shared_ptr<connection> conn, std::string name)
  : conn_(std::move(conn)), name_(std::move(name)) {
  // nop
}

kv_bucket::~kv_bucket() {
  if (kv_ != nullptr)
    kvStore_Destroy(kv_);
  if (js_ != nullptr)
    jsCtx_Destroy(js_);
}

caf::expected<std::shared_ptr<kv_bucket>> kv_bucket::open(std::shared_ptr<connection> conn,
                                                         const kv_options& opts) {
  std::shared_ptr<kv_bucket> result{new kv_bucket(conn, opts.bucket)};
  auto ctx = "open KV bucket '" + opts.bucket + "'";
  if (auto s = natsConnection_JetStream(&result->js_, conn->raw(), nullptr); s != NATS_OK)
    return make_nats_error(s, ctx);
  auto s = js_KeyValue(&result->kv_, result->js_, opts.bucket.c_str());
  if (s != NATS_NOT_FOUND)
    return s == NATS_OK ? caf::expected<std::shared_ptr<kv_bucket>>{result}
                        : make_nats_error(s, ctx);
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = opts.bucket.c_str();
  cfg.Replicas = opts.replicas;
  cfg.History = static_cast<uint8_t>(opts.history);
  cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(opts.max_age).count(); // nats.c reads nanoseconds
  s = js_CreateKeyValue(&result->kv_, result->js_, &cfg);
  // Another node may have created it meanwhile with other settings: bind to theirs.
  if (s != NATS_OK && js_KeyValue(&result->kv_, result->js_, opts.bucket.c_str()) != NATS_OK)
    return make_nats_error(s, "create KV bucket '" + opts.bucket + "'");
  return result;
}

caf::expected<uint64_t> kv_bucket::put(const std::string& key, std::string_view value) {
  uint64_t rev = 0;
  auto s = kvStore_Put(&rev, kv_, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s != NATS_OK)
    return make_nats_error(s, "put '" + key + "' into KV bucket '" + name_ + "'");
  return rev;
}

caf::expected<kv_entry> kv_bucket::get(const std::string& key) {
  kvEntry* e = nullptr;
  auto s = kvStore_Get(&e, kv_, key.c_str());
  if (s != NATS_OK)
    return make_nats_error(s, "get '" + key + "' from KV bucket '" + name_ + "'");
  auto change = to_change(e);
  kvEntry_Destroy(e);
  return kv_entry{std::move(change.key), std::move(change.value), change.revision};
}

caf::error kv_bucket::erase(const std::string& key) {
  return make_nats_error(kvStore_Delete(kv_, key.c_str()),
                         "delete '" + key + "' from KV bucket '" + name_ + "'");
}

caf::expected<std::vector<std::string>> kv_bucket::keys() {
  kvWatchOptions o;
  kvWatchOptions_Init(&o);
  o.Timeout = listing_timeout_ms;
  kvKeysList list{nullptr, 0};
  auto s = kvStore_Keys(&list, kv_, &o);
  if (s == NATS_NOT_FOUND)
    return std::vector<std::string>{};
  if (s != NATS_OK)
    return make_nats_error(s, "list the keys of KV bucket '" + name_ + "'");
  std::vector<std::string> result{list.Keys, list.Keys + list.Count};
  kvKeysList_Destroy(&list);
  return result;
}

caf::expected<std::vector<kv_entry>> kv_bucket::entries(std::string_view prefix) {
  kvWatchOptions o;
  kvWatchOptions_Init(&o);
  o.IgnoreDeletes = true;
  kvWatcher* w = nullptr;
  auto ctx = "list the entries of KV bucket '" + name_ + "'";
  if (auto s = kvStore_WatchAll(&w, kv_, &o); s != NATS_OK)
    return make_nats_error(s, ctx);
  std::vector<kv_entry> result;
  caf::error err;
  for (;;) {
    kvEntry* e = nullptr;
    if (auto s = kvWatcher_Next(&e, w, listing_timeout_ms); s != NATS_OK) {
      err = make_nats_error(s, ctx);
      break;
    }
    if (e == nullptr)
      break; // all current values seen
    auto change = to_change(e);
    kvEntry_Destroy(e);
    if (!change.deleted && std::string_view{change.key}.starts_with(prefix))
      result.push_back(kv_entry{std::move(change.key), std::move(change.value), change.revision});
  }
  kvWatcher_Destroy(w);
  if (err)
    return err;
  return result;
}

caf::expected<kv_watcher> kv_bucket::watch(const std::string& key_pattern,
                                           std::function<void(kv_change&&)> on_change) {
  auto x = std::make_unique<kv_watcher::impl>();
  x->on_change = std::move(on_change);
  x->hub = conn_->hub_;
  x->pattern = key_pattern;
  if (auto s = kvStore_Watch(&x->w, kv_, key_pattern.c_str(), nullptr); s != NATS_OK) {
    x->w = nullptr;
    return make_nats_error(s, "watch '" + key_pattern + "' in KV bucket '" + name_ + "'");
  }
  x->worker = std::thread{[p = x.get()] { p->run(); }};
  return kv_watcher{std::move(x)};
}

} // namespace smith::nats
