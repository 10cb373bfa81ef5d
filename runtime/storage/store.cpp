// store over rocksdb::DB.
#include "runtime/storage/store.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "runtime/storage/internal/slice.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::storage {

struct store::impl {
  store_options opts;
  std::unique_ptr<rocksdb::DB> db;
  /// Parallel to names; destroyed before db.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<std::string> names;

  ~impl() { static_cast<void>(shut()); }

  caf::error shut() {
    if (!db)
      return caf::error{};
    caf::error first;
    rocksdb::FlushOptions fo;
    if (auto s = db->Flush(fo, handles); !s.ok())
      first = make_storage_error(s, "flush " + opts.path);
    for (auto* h : handles)
      static_cast<void>(db->DestroyColumnFamilyHandle(h));
    handles.clear();
    if (auto s = db->Close(); !s.ok() && !first)
      first = make_storage_error(s, "close " + opts.path);
    db.reset();
    return first;
  }

  rocksdb::WriteOptions write_options(durability d) const {
    rocksdb::WriteOptions wo;
    wo.sync = d == durability::sync || (d == durability::configured && opts.sync);
    return wo;
  }
};

namespace {

using internal::slice;
using internal::view;

caf::expected<rocksdb::CompressionType> compression_of(const std::string& name) {
  if (name == "none")
    return rocksdb::kNoCompression;
  if (name == "snappy")
    return rocksdb::kSnappyCompression;
  if (name == "lz4")
    return rocksdb::kLZ4Compression;
  if (name == "zstd")
    return rocksdb::kZSTD;
  return make_storage_error(storage_errc::invalid_argument, "unknown compression '" + name + "'");
}

caf::expected<rocksdb::Options> db_options(const store_options& o) {
  auto comp = compression_of(o.compression);
  if (!comp)
    return comp.error();
  rocksdb::Options opts;
  opts.create_if_missing = o.create_if_missing;
  opts.create_missing_column_families = true;
  opts.max_open_files = o.max_open_files;
  opts.compression = *comp;
  if (o.write_buffer_bytes > 0)
    opts.write_buffer_size = o.write_buffer_bytes;
  return opts;
}

/// "default", the requested families, and those already on disk, each once.
std::vector<std::string> families_to_open(const store_options& o, const rocksdb::Options& opts) {
  std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName};
  std::vector<std::string> existing;
  // Fails for a new database: then there is nothing on disk to add.
  static_cast<void>(rocksdb::DB::ListColumnFamilies(opts, o.path, &existing));
  for (const auto* list : {&o.column_families, static_cast<const std::vector<std::string>*>(&existing)})
    for (const auto& n : *list)
      if (std::find(names.begin(), names.end(), n) == names.end())
        names.push_back(n);
  return names;
}

caf::error check_path(const store_options& o) {
  if (o.path.empty())
    return make_storage_error(storage_errc::invalid_argument, "store path is empty");
  for (const auto& n : o.column_families)
    if (n.empty())
      return make_storage_error(storage_errc::invalid_argument,
                                "empty column family name for " + o.path);
  if (!o.create_if_missing)
    return caf::error{};
  std::error_code ec;
  std::filesystem::create_directories(o.path, ec);
  if (ec)
    return make_storage_error(storage_errc::io_error,
                              "create directory " + o.path + ": " + ec.message());
  return caf::error{};
}

} // namespace

caf::expected<store> store::open(store_options o) {
  if (auto err = check_path(o))
    return err;
  auto opts = db_options(o);
  if (!opts)
    return opts.error();
  auto p = std::make_unique<impl>();
  p->names = families_to_open(o, *opts);
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : p->names)
    descs.emplace_back(n, rocksdb::ColumnFamilyOptions{*opts});
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(rocksdb::DBOptions{*opts}, o.path, descs, &p->handles, &raw);
  if (!s.ok())
    return make_storage_error(s, "open " + o.path);
  p->db.reset(raw);
  p->opts = std::move(o);
  return store{std::move(p)};
}

store::store(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {
  // nop
}

store::~store() = default;
store::store(store&&) noexcept = default;
store& store::operator=(store&&) noexcept = default;

bool store::is_open() const noexcept {
  return impl_ && impl_->db;
}

const store_options& store::options() const {
  static const store_options none;
  return impl_ ? impl_->opts : none;
}

caf::expected<column> store::find_column(std::string_view name) const {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "find_column on a closed store");
  for (size_t i = 0; i < impl_->names.size(); ++i)
    if (impl_->names[i] == name)
      return column{impl_->handles[i]};
  return make_storage_error(storage_errc::unknown_column_family,
                            "no column family '" + std::string{name} + "' in " + impl_->opts.path);
}

std::vector<std::string> store::column_names() const {
  return is_open() ? impl_->names : std::vector<std::string>{};
}

caf::expected<std::optional<std::string>> store::get(const column& cf, std::string_view key) const {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "get on a closed store");
  std::string out;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, cf.handle(), slice(key), &out);
  if (s.IsNotFound())
    return std::optional<std::string>{};
  if (!s.ok())
    return make_storage_error(s, "get from " + impl_->opts.path);
  return std::optional<std::string>{std::move(out)};
}

caf::error store::put(const column& cf, std::string_view key, std::string_view value,
                      durability d) {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "put on a closed store");
  auto s = impl_->db->Put(impl_->write_options(d), cf.handle(), slice(key), slice(value));
  return make_storage_error(s, "put into " + impl_->opts.path);
}

caf::error store::erase(const column& cf, std::string_view key, durability d) {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "erase on a closed store");
  auto s = impl_->db->Delete(impl_->write_options(d), cf.handle(), slice(key));
  return make_storage_error(s, "erase from " + impl_->opts.path);
}

caf::error store::write(write_batch& batch, durability d) {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "write on a closed store");
  auto s = impl_->db->Write(impl_->write_options(d), &batch.rep());
  return make_storage_error(s, "write batch into " + impl_->opts.path);
}

caf::error store::scan(const column& cf, std::string_view from, std::string_view to,
                       const scan_visitor& visit) const {
  if (!is_open())
    return make_storage_error(storage_errc::closed, "scan on a closed store");
  rocksdb::ReadOptions ro;
  auto upper = slice(to);
  if (!to.empty())
    ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, cf.handle())};
  for (it->Seek(slice(from)); it->Valid(); it->Next())
    if (!visit(view(it->key()), view(it->value())))
      break;
  return make_storage_error(it->status(), "scan " + impl_->opts.path);
}

caf::error store::scan_prefix(const column& cf, std::string_view prefix,
                              const scan_visitor& visit) const {
  return scan(cf, prefix, prefix_end(prefix), visit);
}

caf::error store::close() {
  if (!impl_)
    return caf::error{};
  return impl_->shut();
}

std::string prefix_end(std::string_view prefix) {
  std::string out{prefix};
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xff) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return out;
}

} // namespace smith::storage
