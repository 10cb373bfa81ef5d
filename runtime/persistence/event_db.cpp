// Opening the event store's RocksDB database and its reads.
#include "runtime/persistence/event_db.hpp"

#include <rocksdb/listener.h>
#include <rocksdb/options.h>

#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::persistence {

namespace {

constexpr const char* format_version = "1";

/// The commit thread resumes the database itself, on its next write (commit_writer::write).
/// RocksDB's own recovery from a full disk polls free space in the background and refuses
/// manual resumes meanwhile, so it would keep writes failing long after space is back.
class manual_recovery : public rocksdb::EventListener {
public:
  const char* Name() const override { return "smith_manual_recovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

rocksdb::Options db_options(const event_store_options& opts) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  // Event logs are written once and read by prefix; point lookups dominate dedup.
  o.IncreaseParallelism(2);
  // The default (point-in-time) silently stops replay at a damaged WAL record and drops every
  // later, possibly acknowledged, write. This mode refuses to open instead, and tolerates only
  // a torn last record, which cannot hold a write that was acknowledged as synced.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.paranoid_checks = true;
  o.listeners.push_back(std::make_shared<manual_recovery>());
  if (opts.env != nullptr)
    o.env = opts.env;
  return o;
}

} // namespace

caf::expected<std::unique_ptr<event_db>> event_db::open(const event_store_options& opts) {
  auto res = std::make_unique<event_db>();
  res->options_ = opts;
  auto st = res->open_here();
  if (!st.ok())
    return storage::make_storage_error(st, "open event store " + opts.path);
  if (opts.verify_on_open) {
    st = res->db->VerifyChecksum();
    if (!st.ok())
      return storage::make_storage_error(st, "verify event store " + opts.path);
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  st = res->db->Put(wo, res->meta, "format", format_version);
  if (!st.ok())
    return storage::make_storage_error(st, "write format version " + opts.path);
  return res;
}

rocksdb::Status event_db::open_here() {
  auto o = db_options(options_);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (auto* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "events", "snapshots", "dedup",
                     "meta", "checkpoints", "ops"})
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions{o});
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(o, options_.path, cfs, &handles, &raw);
  if (!st.ok())
    return st;
  db.reset(raw);
  events = handles[1];
  snapshots = handles[2];
  dedup = handles[3];
  meta = handles[4];
  checkpoints = handles[5];
  ops = handles[6];
  return st;
}

rocksdb::Status event_db::reopen() {
  std::unique_lock guard{gate_};
  // Closing reports the background error that made the reopen necessary: expected here.
  close_here();
  return open_here();
}

event_db::~event_db() {
  close();
}

caf::error event_db::close() {
  std::unique_lock guard{gate_};
  return close_here();
}

caf::error event_db::close_here() {
  if (!db)
    return caf::none;
  caf::error first;
  for (auto* h : handles) {
    auto st = db->DestroyColumnFamilyHandle(h);
    if (!st.ok() && !first)
      first = storage::make_storage_error(st, "destroy column family handle");
  }
  handles.clear();
  auto st = db->Close();
  if (!st.ok() && !first)
    first = storage::make_storage_error(st, "close event store");
  db.reset();
  return first;
}

caf::expected<std::optional<std::pair<uint64_t, std::string>>>
event_db::last_under(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                     bool with_value, const rocksdb::Snapshot* view,
                     uint64_t at_most) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = view;
  std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(ro, cf)};
  it->SeekForPrev(seq_key(prefix, at_most));
  if (!it->Valid()) {
    if (!it->status().ok())
      return storage::make_storage_error(it->status(), "seek last");
    return std::optional<std::pair<uint64_t, std::string>>{};
  }
  auto key = it->key();
  if (!key.starts_with(prefix) || key.size() != prefix.size() + 8)
    return std::optional<std::pair<uint64_t, std::string>>{};
  auto seq = *decode_u64_tail({key.data(), key.size()});
  std::string value = with_value ? it->value().ToString() : std::string{};
  return std::optional<std::pair<uint64_t, std::string>>{std::pair{seq, std::move(value)}};
}

caf::expected<std::optional<uint64_t>> event_db::find_dedup(const std::string& dedup_key) const {
  std::string value;
  auto st = db->Get(rocksdb::ReadOptions{}, dedup, dedup_key, &value);
  if (st.IsNotFound())
    return std::optional<uint64_t>{};
  if (!st.ok())
    return storage::make_storage_error(st, "read dedup");
  if (value.size() != 8)
    return caf::make_error(persistence_errc::bad_record, std::string{"dedup value size"});
  return std::optional<uint64_t>{decode_u64_tail(value)};
}

caf::expected<std::vector<event>> event_db::scan_events(const std::string& prefix,
                                                        uint64_t after,
                                                        const rocksdb::Snapshot* view) const {
  std::vector<event> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = view;
  auto upper = seq_key(prefix, UINT64_MAX);
  rocksdb::Slice upper_slice{upper};
  ro.iterate_upper_bound = &upper_slice; // UINT64_MAX is never a real seq
  std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(ro, events)};
  for (it->Seek(seq_key(prefix, after + 1)); it->Valid(); it->Next()) {
    auto key = it->key();
    if (key.size() != prefix.size() + 8)
      return caf::make_error(persistence_errc::bad_record, std::string{"event key size"});
    out.push_back({*decode_u64_tail({key.data(), key.size()}), it->value().ToString()});
  }
  if (!it->status().ok())
    return storage::make_storage_error(it->status(), "scan events");
  return out;
}

} // namespace smith::persistence
