// Opening the event store's RocksDB database and its reads.
#include "runtime/persistence/event_db.hpp"

#include <rocksdb/options.h>

#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::persistence {

namespace {

constexpr const char* format_version = "1";

rocksdb::Options db_options() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  // Event logs are written once and read by prefix; point lookups dominate dedup.
  o.IncreaseParallelism(2);
  return o;
}

} // namespace

caf::expected<std::unique_ptr<event_db>> event_db::open(const std::string& path) {
  auto o = db_options();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (auto* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "events", "snapshots", "dedup",
                     "meta"})
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions{o});
  auto res = std::make_unique<event_db>();
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(o, path, cfs, &res->handles, &raw);
  if (!st.ok())
    return storage::make_storage_error(st, "open event store " + path);
  res->db.reset(raw);
  res->events = res->handles[1];
  res->snapshots = res->handles[2];
  res->dedup = res->handles[3];
  res->meta = res->handles[4];
  rocksdb::WriteOptions wo;
  wo.sync = true;
  st = res->db->Put(wo, res->meta, "format", format_version);
  if (!st.ok())
    return storage::make_storage_error(st, "write format version " + path);
  return res;
}

event_db::~event_db() {
  close();
}

caf::error event_db::close() {
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
                     bool with_value) const {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(ro, cf)};
  it->SeekForPrev(seq_key(prefix, UINT64_MAX));
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
                                                        uint64_t after) const {
  std::vector<event> out;
  rocksdb::ReadOptions ro;
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
