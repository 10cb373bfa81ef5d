// The RocksDB adapter: open/close, column families, get/put/erase, batches, scans, errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "runtime/storage/storage_errc.hpp"
#include "runtime/storage/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using storage::storage_errc;

namespace {

storage::store open_ok(storage::store_options o) {
  auto db = storage::store::open(std::move(o));
  REQUIRE_MESSAGE(db, caf::to_string(db.error()));
  return std::move(*db);
}

std::vector<std::string> keys_of(const storage::store& db, const storage::column& cf,
                                 std::string_view from, std::string_view to) {
  std::vector<std::string> out;
  auto err = db.scan(cf, from, to, [&](std::string_view k, std::string_view) {
    out.emplace_back(k);
    return true;
  });
  REQUIRE(!err);
  return out;
}

} // namespace

TEST_CASE("a store puts, gets and erases values in its own column family") {
  test::temp_dir dir;
  auto db = open_ok({dir.str("db"), {"kv"}});
  auto kv = db.find_column("kv");
  auto def = db.find_column("default");
  REQUIRE(kv);
  REQUIRE(def);
  REQUIRE(!db.put(*kv, "k", "v1"));
  auto got = db.get(*kv, "k");
  REQUIRE(got);
  CHECK(*got == std::optional<std::string>{"v1"});
  // Column families are separate key spaces.
  CHECK(*db.get(*def, "k") == std::nullopt);
  REQUIRE(!db.erase(*kv, "k"));
  CHECK(*db.get(*kv, "k") == std::nullopt);
  CHECK(!db.erase(*kv, "never-there"));
}

TEST_CASE("values are binary-safe and survive close and reopen") {
  test::temp_dir dir;
  std::string bin{"a\0b\xff", 4};
  {
    auto db = open_ok({dir.str("db"), {"kv"}, true, true});
    REQUIRE(!db.put(*db.find_column("kv"), bin, bin, storage::durability::sync));
    REQUIRE(!db.close());
    CHECK(!db.is_open());
    CHECK(!db.close()); // idempotent
  }
  auto db = open_ok({dir.str("db"), {"kv"}});
  CHECK(*db.get(*db.find_column("kv"), bin) == std::optional<std::string>{bin});
}

TEST_CASE("a store reopens column families it was not asked for") {
  test::temp_dir dir;
  {
    auto db = open_ok({dir.str("db"), {"a", "b"}});
    REQUIRE(!db.put(*db.find_column("b"), "x", "1"));
  }
  auto db = open_ok({dir.str("db"), {"a"}});
  auto names = db.column_names();
  CHECK(names == std::vector<std::string>{"default", "a", "b"});
  CHECK(*db.get(*db.find_column("b"), "x") == std::optional<std::string>{"1"});
}

TEST_CASE("a write batch applies puts and erases across column families at once") {
  test::temp_dir dir;
  auto db = open_ok({dir.str("db"), {"a", "b"}});
  auto a = *db.find_column("a");
  auto b = *db.find_column("b");
  REQUIRE(!db.put(a, "old", "x"));
  storage::write_batch batch;
  batch.put(a, "k1", "v1");
  batch.put(b, "k2", "v2");
  batch.erase(a, "old");
  CHECK(batch.size() == 3);
  REQUIRE(!db.write(batch));
  CHECK(*db.get(a, "k1") == std::optional<std::string>{"v1"});
  CHECK(*db.get(b, "k2") == std::optional<std::string>{"v2"});
  CHECK(*db.get(a, "old") == std::nullopt);
  batch.clear();
  CHECK(batch.size() == 0);
}

TEST_CASE("scans visit a key range or a prefix in byte order and stop on request") {
  test::temp_dir dir;
  auto db = open_ok({dir.str("db"), {"kv"}});
  auto cf = *db.find_column("kv");
  for (auto k : {"a", "app/1", "app/2", "app/3", "apq", "b"})
    REQUIRE(!db.put(cf, k, "v"));
  CHECK(keys_of(db, cf, "app/2", "b") == std::vector<std::string>{"app/2", "app/3", "apq"});
  CHECK(keys_of(db, cf, "", "").size() == 6);
  std::vector<std::string> pre;
  REQUIRE(!db.scan_prefix(cf, "app/", [&](std::string_view k, std::string_view v) {
    CHECK(v == "v");
    pre.emplace_back(k);
    return pre.size() < 2;
  }));
  CHECK(pre == std::vector<std::string>{"app/1", "app/2"});
}

TEST_CASE("prefix_end is the exclusive upper bound of a prefix") {
  CHECK(storage::prefix_end("abc") == "abd");
  CHECK(storage::prefix_end(std::string{"a\xff", 2}) == "b");
  CHECK(storage::prefix_end(std::string{"\xff\xff", 2}).empty());
  CHECK(storage::prefix_end("").empty());
}

TEST_CASE("opening fails with a specific error and nothing is created") {
  test::temp_dir dir;
  SUBCASE("empty path") {
    auto db = storage::store::open({});
    REQUIRE(!db);
    CHECK(db.error() == storage_errc::invalid_argument);
  }
  SUBCASE("missing database without create_if_missing") {
    auto db = storage::store::open({dir.str("absent"), {}, false});
    REQUIRE(!db);
    CHECK(db.error().category() == caf::atom("smith_stor"));
    CHECK(!std::filesystem::exists(dir.path() / "absent" / "CURRENT"));
  }
  SUBCASE("path is a file") {
    std::ofstream{dir.path() / "file"} << "x";
    auto db = storage::store::open({dir.str("file"), {}});
    REQUIRE(!db);
    CHECK(db.error() == storage_errc::io_error);
  }
  SUBCASE("unknown compression") {
    storage::store_options o{dir.str("db"), {}};
    o.compression = "brotli";
    auto db = storage::store::open(o);
    REQUIRE(!db);
    CHECK(db.error() == storage_errc::invalid_argument);
  }
}

TEST_CASE("a second store on the same path is refused as busy") {
  test::temp_dir dir;
  auto first = open_ok({dir.str("db"), {}});
  auto second = storage::store::open({dir.str("db"), {}});
  REQUIRE(!second);
  CHECK(second.error() == storage_errc::io_error); // RocksDB reports the LOCK as an IOError
}

TEST_CASE("calls on a closed or moved-from store fail with closed") {
  test::temp_dir dir;
  auto db = open_ok({dir.str("db"), {"kv"}});
  auto cf = *db.find_column("kv");
  auto moved = std::move(db);
  CHECK(db.get(cf, "k").error() == storage_errc::closed);
  CHECK(db.find_column("kv").error() == storage_errc::closed);
  REQUIRE(!moved.close());
  CHECK(moved.put(cf, "k", "v") == storage_errc::closed);
  CHECK(moved.erase(cf, "k") == storage_errc::closed);
  storage::write_batch b;
  CHECK(moved.write(b) == storage_errc::closed);
  CHECK(moved.scan(cf, "", "", [](auto, auto) { return true; }) == storage_errc::closed);
}

TEST_CASE("an unknown column family is reported by name") {
  test::temp_dir dir;
  auto db = open_ok({dir.str("db"), {"kv"}});
  auto cf = db.find_column("nope");
  REQUIRE(!cf);
  CHECK(cf.error() == storage_errc::unknown_column_family);
  CHECK(caf::to_string(cf.error()).find("nope") != std::string::npos);
}
