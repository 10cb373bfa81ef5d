// The kv engine: request checks, compare-and-set, TTL expiry and the expiry sweep.
#include "domains/kv/kv_store.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "domains/kv/kv_checks.hpp"
#include "domains/kv/kv_record.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::kv {

namespace {

template <class Reply>
Reply error_reply(v1::Error e) {
  Reply r;
  *r.mutable_error() = std::move(e);
  return r;
}

/// The text of a storage error (its context string), for Error.message.
std::string describe(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

v1::Error storage_failure(const caf::error& err) {
  return make_kv_error(v1::STORAGE, describe(err));
}

v1::Error corrupt(const std::string& key) {
  return make_kv_error(v1::STORAGE, "the stored entry of key " + quoted(key) + " is corrupt");
}

} // namespace

int64_t system_now_ns() {
  auto t = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
}

caf::expected<kv_store> kv_store::open(storage::store_options opts, kv_limits limits,
                                       kv_clock clock) {
  opts.column_families = {entries_column, expiry_column, meta_column};
  auto db = storage::store::open(std::move(opts));
  if (!db)
    return std::move(db.error());
  kv_store out{std::move(*db)};
  auto entries = out.db_.find_column(entries_column);
  auto expiry = out.db_.find_column(expiry_column);
  auto meta = out.db_.find_column(meta_column);
  if (!entries || !expiry || !meta)
    return storage::make_storage_error(storage::storage_errc::unknown_column_family,
                                       "kv column families missing in " + out.db_.options().path);
  out.cols_ = {*entries, *expiry, *meta};
  auto v = out.db_.get(out.cols_.meta, version_key);
  if (!v)
    return std::move(v.error());
  if (*v) {
    auto x = decode_u64(**v);
    if (!x || (*v)->size() != 8)
      return storage::make_storage_error(storage::storage_errc::corruption,
                                         "kv version counter in " + out.db_.options().path
                                           + " is not 8 bytes");
    out.last_version_ = *x;
  }
  out.limits_ = limits;
  out.clock_ = clock ? std::move(clock) : kv_clock{system_now_ns};
  return out;
}

kv_store::kv_store(storage::store db) noexcept : db_(std::move(db)) {
  // nop
}

caf::expected<std::optional<std::string>> kv_store::read(const std::string& key) const {
  return db_.get(cols_.entries, key);
}

v1::StoreReply kv_store::store(const v1::Store& req) {
  using reply = v1::StoreReply;
  if (auto e = check_key(req.key(), limits_))
    return error_reply<reply>(std::move(*e));
  if (req.value().size() > limits_.max_value_bytes)
    return error_reply<reply>(make_kv_error(
      v1::VALUE_TOO_LARGE, "value of " + std::to_string(req.value().size())
                             + " bytes is above the maximum of "
                             + std::to_string(limits_.max_value_bytes) + " bytes"));
  auto now = clock_();
  int64_t expiry = 0;
  if (auto e = expiry_of(req, now, expiry))
    return error_reply<reply>(std::move(*e));
  auto old = read(req.key());
  if (!old)
    return error_reply<reply>(storage_failure(old.error()));
  std::optional<record> cur;
  if (*old && !(cur = decode_record(**old)))
    return error_reply<reply>(corrupt(req.key()));
  auto live = cur && !expired(*cur, now);
  if (auto e = check_condition(req, live ? cur->version : 0))
    return error_reply<reply>(std::move(*e));
  auto version = last_version_ + 1;
  storage::write_batch b;
  b.put(cols_.entries, req.key(), encode_record(version, expiry, req.value()));
  if (cur && cur->expiry_ns != 0)
    b.erase(cols_.expiry, expiry_key(cur->expiry_ns, req.key()));
  if (expiry != 0)
    b.put(cols_.expiry, expiry_key(expiry, req.key()), "");
  b.put(cols_.meta, version_key, encode_u64(version));
  if (auto err = db_.write(b))
    return error_reply<reply>(storage_failure(err));
  last_version_ = version;
  reply out;
  out.mutable_stored()->set_key(req.key());
  out.mutable_stored()->set_version(version);
  return out;
}

v1::RetrieveReply kv_store::retrieve(const v1::Retrieve& req) {
  using reply = v1::RetrieveReply;
  if (auto e = check_key(req.key(), limits_))
    return error_reply<reply>(std::move(*e));
  auto got = read(req.key());
  if (!got)
    return error_reply<reply>(storage_failure(got.error()));
  reply out;
  auto* r = out.mutable_retrieved();
  r->set_key(req.key());
  if (!*got)
    return out;
  auto rec = decode_record(**got);
  if (!rec)
    return error_reply<reply>(corrupt(req.key()));
  if (!expired(*rec, clock_())) {
    r->set_value(std::string{rec->value});
    r->set_version(rec->version);
  }
  return out;
}

v1::QueryReply kv_store::query(const v1::Query& req) {
  using reply = v1::QueryReply;
  if (auto e = check_query(req, limits_))
    return error_reply<reply>(std::move(*e));
  auto& f = req.filter();
  size_t limit = req.limit() != 0 ? req.limit()
                                  : std::min(limits_.default_query_limit, limits_.max_query_limit);
  auto from = f.start().empty() ? f.prefix() : f.start();
  auto to = f.end().empty() ? storage::prefix_end(f.prefix()) : f.end();
  reply out;
  auto* res = out.mutable_result();
  auto now = clock_();
  uint64_t total = 0;
  std::string bad_key;
  auto visit = [&](std::string_view k, std::string_view v) {
    auto rec = decode_record(v);
    if (!rec) {
      bad_key = std::string{k};
      return false;
    }
    if (expired(*rec, now))
      return true;
    if (static_cast<size_t>(res->results_size()) < limit) {
      auto* e = res->add_results();
      e->set_key(std::string{k});
      e->set_value(std::string{rec->value});
      e->set_version(rec->version);
    }
    ++total;
    return true;
  };
  if (auto err = db_.scan(cols_.entries, from, to, visit))
    return error_reply<reply>(storage_failure(err));
  if (!bad_key.empty())
    return error_reply<reply>(corrupt(bad_key));
  res->set_total(total);
  return out;
}

caf::expected<kv_store::sweep_result> kv_store::sweep(size_t max_keys) {
  auto now = clock_();
  std::vector<std::string> due;
  auto upper = encode_u64(static_cast<uint64_t>(now) + 1);
  auto err = db_.scan(cols_.expiry, "", upper, [&](std::string_view k, std::string_view) {
    due.emplace_back(k);
    return due.size() < max_keys;
  });
  if (err)
    return err;
  storage::write_batch b;
  uint64_t removed = 0;
  for (auto& ik : due) {
    if (ik.size() < 8) { // not an index line kv_store wrote: drop it
      b.erase(cols_.expiry, ik);
      continue;
    }
    auto key = ik.substr(8);
    auto cur = read(key);
    if (!cur)
      return std::move(cur.error());
    auto rec = *cur ? decode_record(**cur) : std::nullopt;
    // Only the entry this index line describes: a later store moved its expiry.
    if (rec && static_cast<uint64_t>(rec->expiry_ns) == decode_u64(ik)) {
      b.erase(cols_.entries, key);
      ++removed;
    }
    b.erase(cols_.expiry, ik);
  }
  if (b.size() > 0)
    if (auto werr = db_.write(b))
      return werr;
  return sweep_result{removed, due.size() >= max_keys};
}

caf::error kv_store::close() {
  return db_.close();
}

} // namespace smith::kv
