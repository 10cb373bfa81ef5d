// event_store integrity: damaged WAL and SST files are detected instead of read as data, and a
// full disk or a failing device (EIO) reaches the writer as an error at once, with writes
// resuming once the fault clears.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "runtime/persistence/event_store.hpp"
#include "runtime/storage/storage_errc.hpp"
#include "tests/runtime/persistence/fault_fs.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith::persistence;
using smith::storage::storage_errc;
namespace fs = std::filesystem;

namespace {

std::string integrity_payload(int i) {
  return std::string(100, static_cast<char>('a' + i % 26)).append(std::to_string(i));
}

/// Writes events 1..n of "dom/a" one synced write each, then closes the store.
void write_events(const std::string& path, int n) {
  event_store_options opts;
  opts.path = path;
  auto st = event_store::open(opts);
  REQUIRE(st);
  for (int i = 1; i <= n; ++i)
    REQUIRE((*st)->persist("dom/a", "", integrity_payload(i), durability_mode::sync));
  REQUIRE_FALSE((*st)->close());
}

/// Opening replays the WAL into an SST file: afterwards the events live only in SSTs.
void move_into_sst(const std::string& path) {
  event_store_options opts;
  opts.path = path;
  auto st = event_store::open(opts);
  REQUIRE(st);
  REQUIRE_FALSE((*st)->close());
}

/// The largest file in `dir` whose name ends with `ext`.
fs::path largest(const std::string& dir, const std::string& ext) {
  fs::path best;
  for (auto& e : fs::directory_iterator{dir})
    if (e.path().extension() == ext && (best.empty() || e.file_size() > fs::file_size(best)))
      best = e.path();
  REQUIRE_MESSAGE(!best.empty(), "no " << ext << " file in " << dir);
  return best;
}

void flip_byte(const fs::path& file, std::uintmax_t offset) {
  std::fstream f{file, std::ios::in | std::ios::out | std::ios::binary};
  REQUIRE(f);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
  REQUIRE(f);
}

caf::expected<std::unique_ptr<event_store>> reopen(const std::string& path, bool verify = false) {
  event_store_options opts;
  opts.path = path;
  opts.verify_on_open = verify;
  return event_store::open(opts);
}

} // namespace

TEST_CASE("event_store refuses to open a WAL damaged before its tail") {
  smith::test::temp_dir dir{"smith-integrity"};
  write_events(dir.str("db"), 200);
  auto wal = largest(dir.str("db"), ".log");
  flip_byte(wal, fs::file_size(wal) / 2);
  auto st = reopen(dir.str("db"));
  REQUIRE_FALSE(st);
  CHECK(st.error() == storage_errc::corruption);
}

TEST_CASE("event_store tolerates a torn last WAL record and keeps every earlier event") {
  smith::test::temp_dir dir{"smith-integrity"};
  write_events(dir.str("db"), 50);
  auto wal = largest(dir.str("db"), ".log");
  fs::resize_file(wal, fs::file_size(wal) - 20); // a write cut short by a power loss
  auto st = reopen(dir.str("db"));
  REQUIRE(st);
  auto evs = (*st)->events_since("dom/a", 0);
  REQUIRE(evs);
  REQUIRE(evs->size() == 49);
  CHECK(evs->back().payload == integrity_payload(49));
}

TEST_CASE("event_store reports a damaged SST block on read and by verification, never garbage") {
  smith::test::temp_dir dir{"smith-integrity"};
  write_events(dir.str("db"), 200);
  move_into_sst(dir.str("db"));
  auto sst = largest(dir.str("db"), ".sst");
  flip_byte(sst, fs::file_size(sst) / 4); // inside the data blocks, before index and footer
  {
    auto st = reopen(dir.str("db"));
    REQUIRE(st); // footer and index are intact: the damage shows when the block is read
    auto rec = (*st)->recover("dom/a");
    REQUIRE_FALSE(rec);
    CHECK(rec.error() == storage_errc::corruption);
    CHECK((*st)->verify() == storage_errc::corruption);
  }
  auto verified = reopen(dir.str("db"), true);
  REQUIRE_FALSE(verified);
  CHECK(verified.error() == storage_errc::corruption);
}

TEST_CASE("event_store refuses to open with a truncated SST") {
  smith::test::temp_dir dir{"smith-integrity"};
  write_events(dir.str("db"), 200);
  move_into_sst(dir.str("db"));
  auto sst = largest(dir.str("db"), ".sst");
  fs::resize_file(sst, fs::file_size(sst) / 2);
  auto st = reopen(dir.str("db"));
  REQUIRE_FALSE(st);
  CHECK(st.error() == storage_errc::corruption);
}

namespace {

/// Persists one event, turns on the fault switch `fault` of a fault-injecting file system,
/// checks that the first write and two retries while it is still on fail with `code` in
/// under 100 ms each (retries must not make a transient fault stick), turns it off, and
/// checks that writes resume in sequence and survive a reopen.
void check_fault_then_resume(std::atomic<bool> smith::test::fault_fs::*fault, storage_errc code) {
  smith::test::temp_dir dir{"smith-integrity"};
  smith::test::fault_env env;
  event_store_options opts;
  opts.path = dir.str("db");
  opts.env = env.env.get();
  auto st = event_store::open(opts);
  REQUIRE(st);
  REQUIRE((*st)->persist("dom/a", "", "before"));
  (*env.fs).*fault = true;
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto a = (*st)->persist("dom/a", "", "refused");
    auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(a);
    CHECK(a.error() == code);
    CHECK(took < std::chrono::milliseconds{100});
  }
  (*env.fs).*fault = false;
  auto after = (*st)->persist("dom/a", "", "after");
  REQUIRE_MESSAGE(after, (after ? "" : to_string(after.error().context())));
  CHECK(after->seq == 2); // the refused writes took no sequence numbers
  REQUIRE_FALSE((*st)->close());
  st->reset();
  auto again = reopen(dir.str("db"));
  REQUIRE(again);
  auto evs = (*again)->events_since("dom/a", 0);
  REQUIRE(evs);
  REQUIRE(evs->size() == 2);
  CHECK((*evs)[0].payload == "before");
  CHECK((*evs)[1].payload == "after");
}

} // namespace

TEST_CASE("event_store on a full disk: the writer gets no_space at once, writes resume after") {
  check_fault_then_resume(&smith::test::fault_fs::full, storage_errc::no_space);
}

TEST_CASE("event_store on a failing device: EIO reaches the writer at once, writes resume after") {
  // RocksDB 7.8 makes a failed WAL write fatal: resuming needs a reopen of the database.
  check_fault_then_resume(&smith::test::fault_fs::failing, storage_errc::io_error);
}
