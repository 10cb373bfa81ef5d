// The kv engine on a real RocksDB in a temp dir, with a manual clock: semantics, CAS, TTL,
// the sweep, bad input and persistence.
#include <doctest/doctest.h>

#include <memory>

#include "domains/kv/kv_record.hpp"
#include "domains/kv/kv_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace smith::kv;

namespace {

constexpr int64_t store_t0 = int64_t{1'700'000'000} * 1'000'000'000;
constexpr int64_t one_second = 1'000'000'000;

/// A store in its own temp dir whose clock the test sets.
struct store_fixture {
  test::temp_dir dir{"smith-kv"};
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(store_t0);
  std::optional<kv_store> db;

  explicit store_fixture(kv_limits limits = {}) { reopen(limits); }

  void reopen(kv_limits limits = {}) {
    if (db)
      REQUIRE_FALSE(db->close());
    db.reset();
    storage::store_options o;
    o.path = dir.str("db");
    auto clock = now;
    auto s = kv_store::open(o, limits, [clock] { return *clock; });
    REQUIRE(s);
    db.emplace(std::move(*s));
  }

  v1::StoreReply put(const std::string& key, const std::string& value, int64_t ttl_s = 0) {
    v1::Store req;
    req.set_key(key);
    req.set_value(value);
    if (ttl_s != 0)
      req.mutable_ttl()->set_seconds(ttl_s);
    return db->store(req);
  }

  v1::RetrieveReply get(const std::string& key) {
    v1::Retrieve req;
    req.set_key(key);
    return db->retrieve(req);
  }

  v1::QueryReply query(const std::string& prefix, const std::string& start = "",
                       const std::string& end = "", uint32_t limit = 0) {
    v1::Query q;
    q.mutable_filter()->set_prefix(prefix);
    q.mutable_filter()->set_start(start);
    q.mutable_filter()->set_end(end);
    q.set_limit(limit);
    return db->query(q);
  }
};

uint64_t version_of(const v1::StoreReply& r) {
  REQUIRE_MESSAGE(r.has_stored(), r.error().message());
  return r.stored().version();
}

v1::KvErrorCode code_of(const v1::StoreReply& r) {
  return r.has_error() ? r.error().code() : v1::KV_ERROR_CODE_UNSPECIFIED;
}

} // namespace

TEST_CASE("a stored value is retrieved with its version and a missing key is absent") {
  store_fixture f;
  auto v = version_of(f.put("a", "alpha"));
  CHECK(v >= 1);
  auto r = f.get("a");
  REQUIRE(r.has_retrieved());
  CHECK(r.retrieved().key() == "a");
  REQUIRE(r.retrieved().has_value());
  CHECK(r.retrieved().value() == "alpha");
  CHECK(r.retrieved().version() == v);
  auto none = f.get("b");
  REQUIRE(none.has_retrieved());
  CHECK_FALSE(none.retrieved().has_value());
  CHECK(none.retrieved().version() == 0);
}

TEST_CASE("versions strictly increase per key and across keys") {
  store_fixture f;
  auto a1 = version_of(f.put("a", "1"));
  auto b1 = version_of(f.put("b", "1"));
  auto a2 = version_of(f.put("a", "2"));
  CHECK(b1 > a1);
  CHECK(a2 > b1);
  CHECK(f.get("a").retrieved().version() == a2);
  CHECK(f.db->last_version() == a2);
}

TEST_CASE("compare-and-set with expected_version succeeds on the current version only") {
  store_fixture f;
  auto v1_ = version_of(f.put("k", "one"));
  v1::Store req;
  req.set_key("k");
  req.set_value("two");
  req.set_expected_version(v1_);
  auto v2 = version_of(f.db->store(req));
  CHECK(v2 > v1_);
  // The same expected version again: someone (we) changed it meanwhile.
  req.set_value("three");
  auto conflict = f.db->store(req);
  CHECK(code_of(conflict) == v1::VERSION_CONFLICT);
  CHECK(conflict.error().message().find(std::to_string(v2)) != std::string::npos);
  CHECK(f.get("k").retrieved().value() == "two");
  // An absent key has no version to match.
  req.set_key("absent");
  CHECK(code_of(f.db->store(req)) == v1::VERSION_CONFLICT);
  CHECK_FALSE(f.get("absent").retrieved().has_value());
  // expected_version 0 is unconditional.
  req.set_key("k");
  req.set_expected_version(0);
  CHECK(version_of(f.db->store(req)) > v2);
}

TEST_CASE("if_absent stores only when the key does not exist or has expired") {
  store_fixture f;
  v1::Store req;
  req.set_key("once");
  req.set_value("first");
  req.set_if_absent(true);
  auto v = version_of(f.db->store(req));
  req.set_value("second");
  auto again = f.db->store(req);
  CHECK(code_of(again) == v1::ALREADY_EXISTS);
  CHECK(f.get("once").retrieved().value() == "first");
  // Expired counts as absent.
  f.put("short", "x", 5);
  *f.now += 5 * one_second;
  req.set_key("short");
  auto after = f.db->store(req);
  CHECK(version_of(after) > v);
  CHECK(f.get("short").retrieved().value() == "second");
}

TEST_CASE("an entry with a TTL is invisible once it expires and its version never comes back") {
  store_fixture f;
  auto v = version_of(f.put("t", "soon gone", 10));
  *f.now += 10 * one_second - 1;
  CHECK(f.get("t").retrieved().has_value());
  *f.now += 1;
  auto gone = f.get("t");
  CHECK_FALSE(gone.retrieved().has_value());
  CHECK(gone.retrieved().version() == 0);
  CHECK(f.query("").result().total() == 0);
  // Storing again yields a larger version than the expired one (no ABA for CAS).
  CHECK(version_of(f.put("t", "back")) > v);
  // A later store without TTL removes the expiry.
  *f.now += 1000 * one_second;
  CHECK(f.get("t").retrieved().value() == "back");
}

TEST_CASE("the sweep deletes exactly the expired entries from disk") {
  store_fixture f;
  f.put("a", "1", 5);
  f.put("b", "2", 10);
  f.put("c", "3");
  f.put("d", "4", 5);
  f.put("d", "4 again", 20); // moved its expiry: the old index line must not delete it
  auto none = f.db->sweep(100);
  REQUIRE(none);
  CHECK(none->removed == 0);
  CHECK_FALSE(none->more);
  *f.now += 5 * one_second;
  auto first = f.db->sweep(100);
  REQUIRE(first);
  CHECK(first->removed == 1); // a
  // Deleted from disk: even with the clock turned back, a is gone and b is still there.
  *f.now = store_t0;
  CHECK_FALSE(f.get("a").retrieved().has_value());
  CHECK(f.get("b").retrieved().has_value());
  CHECK(f.get("d").retrieved().value() == "4 again");
  *f.now = store_t0 + 30 * one_second;
  auto batch = f.db->sweep(1); // at most one per call
  REQUIRE(batch);
  CHECK(batch->removed == 1);
  CHECK(batch->more);
  auto rest = f.db->sweep(100);
  REQUIRE(rest);
  CHECK(rest->removed == 1);
  *f.now = store_t0;
  CHECK_FALSE(f.get("b").retrieved().has_value());
  CHECK_FALSE(f.get("d").retrieved().has_value());
  CHECK(f.get("c").retrieved().value() == "3");
}

TEST_CASE("query returns live entries in key order with the total beyond the limit") {
  store_fixture f;
  for (auto k : {"user/c", "user/a", "user/b", "user/d", "other/x", "user"})
    f.put(k, std::string{"v-"} + k);
  f.put("user/e", "expiring", 1);
  *f.now += 2 * one_second;
  auto all = f.query("user/");
  REQUIRE(all.has_result());
  REQUIRE(all.result().results_size() == 4);
  CHECK(all.result().results(0).key() == "user/a");
  CHECK(all.result().results(3).key() == "user/d");
  CHECK(all.result().results(1).value() == "v-user/b");
  CHECK(all.result().results(1).version() > 0);
  CHECK(all.result().total() == 4);
  auto two = f.query("user/", "", "", 2);
  CHECK(two.result().results_size() == 2);
  CHECK(two.result().total() == 4);
  auto range = f.query("user/", "user/b", "user/d");
  REQUIRE(range.result().results_size() == 2);
  CHECK(range.result().results(0).key() == "user/b");
  CHECK(range.result().results(1).key() == "user/c");
  CHECK(f.query("").result().total() == 6);
  CHECK(f.query("nothing/").result().total() == 0);
}

TEST_CASE("a query with limit 0 returns the default number of entries") {
  kv_limits l;
  l.default_query_limit = 3;
  store_fixture f{l};
  for (int i = 0; i < 5; ++i)
    f.put(std::string{"k"}.append(std::to_string(i)), "v");
  auto r = f.query("");
  CHECK(r.result().results_size() == 3);
  CHECK(r.result().total() == 5);
}

TEST_CASE("bad input is refused with its specific code and changes nothing") {
  kv_limits l;
  l.max_key_bytes = 8;
  l.max_value_bytes = 16;
  l.max_query_limit = 10;
  store_fixture f{l};
  CHECK(code_of(f.put("", "x")) == v1::INVALID_KEY);
  auto long_key = f.put("123456789", "x");
  CHECK(code_of(long_key) == v1::INVALID_KEY);
  CHECK(long_key.error().message().find("9 bytes") != std::string::npos);
  CHECK(f.get("").error().code() == v1::INVALID_KEY);
  auto big = f.put("k", std::string(17, 'v'));
  CHECK(code_of(big) == v1::VALUE_TOO_LARGE);
  CHECK(big.error().message().find("17 bytes") != std::string::npos);
  CHECK(version_of(f.put("k", std::string(16, 'v'))) > 0); // the limit itself is fine
  v1::Store neg;
  neg.set_key("t");
  neg.mutable_ttl()->set_seconds(-1);
  CHECK(code_of(f.db->store(neg)) == v1::INVALID_TTL);
  neg.mutable_ttl()->set_seconds(1);
  neg.mutable_ttl()->set_nanos(-5);
  CHECK(code_of(f.db->store(neg)) == v1::INVALID_TTL);
  neg.mutable_ttl()->set_seconds(max_ttl_seconds + 1);
  neg.mutable_ttl()->set_nanos(0);
  CHECK(code_of(f.db->store(neg)) == v1::INVALID_TTL);
  CHECK_FALSE(f.get("t").retrieved().has_value());
  CHECK(f.query("a", "b").error().code() == v1::INVALID_FILTER);       // start outside prefix
  CHECK(f.query("a", "", "b").error().code() == v1::INVALID_FILTER);   // end outside prefix
  CHECK(f.query("a", "a5", "a5").error().code() == v1::INVALID_FILTER); // end <= start
  CHECK(f.query("a", "a5", "a1").error().code() == v1::INVALID_FILTER);
  auto over = f.query("", "", "", 11);
  CHECK(over.error().code() == v1::INVALID_FILTER);
  CHECK(over.error().message().find("limit 11") != std::string::npos);
  // Nothing but the one valid store happened.
  CHECK(f.query("").result().total() == 1);
}

TEST_CASE("entries, versions and expiries survive closing and reopening the store") {
  store_fixture f;
  auto va = version_of(f.put("a", "kept"));
  version_of(f.put("t", "ttl", 10));
  f.reopen();
  CHECK(f.get("a").retrieved().value() == "kept");
  CHECK(f.get("a").retrieved().version() == va);
  CHECK(f.get("t").retrieved().has_value());
  CHECK(version_of(f.put("b", "new")) > f.get("t").retrieved().version());
  *f.now += 10 * one_second;
  f.reopen();
  CHECK_FALSE(f.get("t").retrieved().has_value());
  auto swept = f.db->sweep(100);
  REQUIRE(swept);
  CHECK(swept->removed == 1);
}

TEST_CASE("a closed store answers STORAGE instead of crashing") {
  store_fixture f;
  f.put("a", "1");
  REQUIRE_FALSE(f.db->close());
  CHECK(code_of(f.put("a", "2")) == v1::STORAGE);
  CHECK(f.get("a").error().code() == v1::STORAGE);
  CHECK(f.query("").error().code() == v1::STORAGE);
  CHECK_FALSE(f.db->sweep(10));
}

TEST_CASE("records and index keys encode big-endian and reject short input") {
  auto r = encode_record(7, 9, "val");
  auto d = decode_record(r);
  REQUIRE(d);
  CHECK(d->version == 7);
  CHECK(d->expiry_ns == 9);
  CHECK(d->value == "val");
  CHECK_FALSE(decode_record(r.substr(0, 15)));
  CHECK(expiry_key(1, "z") < expiry_key(256, "a"));
}
