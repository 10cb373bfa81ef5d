// kv: put/get through the kv domain, locally (the caller on the agent's node: an in-process
// call through the bridge) and across nodes (node a calls node b's agent over NATS), against
// raw RocksDB put/get of the same keys and values in the same run.
//
// Smith keeps `window` calls in flight from one driver actor; the baseline is one thread
// calling RocksDB directly (what the agent's own thread does, without the messaging).
#include <filesystem>
#include <random>

#include <caf/all.hpp>
#include <fmt/format.h>
#include <rocksdb/db.h>

#include "domains/kv/kv_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "tools/smith-bench/bench.hpp"
#include "tools/smith-bench/bridge_workload.hpp"
#include "tools/smith-bench/nats_launcher.hpp"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;
namespace v1 = kv::v1;

constexpr size_t window = 16;
constexpr size_t value_bytes = 100;
constexpr auto kv_limit = 120s;

std::string bench_key(size_t i) {
  return fmt::format("bench/key-{:08}", i);
}

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path()
           / ("smith-bench-kv-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// What the driver works through: `n` puts or gets of bench_key(0..n-1) on `target`.
struct drive_state {
  bridge::agent_ref target;
  caf::actor main;
  bool put = true;
  size_t n = 0;
  size_t next = 0;
  size_t answered = 0;
  bool failed = false;
};

using drive_ptr = std::shared_ptr<drive_state>;

void issue_next(caf::event_based_actor* self, drive_ptr st);

void fail(caf::event_based_actor* self, const drive_ptr& st, std::string what) {
  if (!st->failed)
    self->send(st->main, fail_atom::value, std::move(what));
  st->failed = true;
}

void answered(caf::event_based_actor* self, const drive_ptr& st) {
  if (++st->answered == st->n)
    self->send(st->main, done_atom::value, int64_t{0});
  else
    issue_next(self, st);
}

void issue_next(caf::event_based_actor* self, drive_ptr st) {
  if (st->failed || st->next >= st->n)
    return;
  auto key = bench_key(st->next++);
  auto deadline = std::chrono::system_clock::now() + 10s;
  if (st->put) {
    v1::Store req;
    req.set_key(key);
    req.set_value(std::string(value_bytes, 'v'));
    bridge::call<v1::StoreReply>(self, st->target, "store", req, deadline,
                                 [self, st](caf::expected<v1::StoreReply> r) {
                                   if (!r || !r->has_stored())
                                     return fail(self, st, "kv store failed");
                                   answered(self, st);
                                 });
    return;
  }
  v1::Retrieve req;
  req.set_key(key);
  bridge::call<v1::RetrieveReply>(self, st->target, "retrieve", req, deadline,
                                  [self, st](caf::expected<v1::RetrieveReply> r) {
                                    if (!r || r->retrieved().value().size() != value_bytes)
                                      return fail(self, st, "kv retrieve failed or missed");
                                    answered(self, st);
                                  });
}

caf::behavior kv_driver_impl(caf::event_based_actor* self, bridge::agent_ref target,
                             caf::actor main) {
  return {[=](go_atom, bool put, size_t n) {
    auto st = std::make_shared<drive_state>(drive_state{target, main, put, n, 0, 0, false});
    for (size_t i = 0; i < window && i < n; ++i)
      issue_next(self, st);
  }};
}

/// Puts then gets `n` keys from a driver on `from`; appends both rates (ops/s) to `out`
/// (null: a warm-up, nothing recorded).
caf::error drive(bench_node& from, const bridge::agent_ref& target, size_t n, figures* out) {
  caf::scoped_actor main{from.system()};
  auto driver = from.system().spawn(kv_driver_impl, target, caf::actor_cast<caf::actor>(main));
  caf::error err;
  for (bool put : {true, false}) {
    auto t0 = now_ns();
    main->send(driver, go_atom::value, put, n);
    auto done = await_done(main, std::chrono::duration_cast<std::chrono::seconds>(kv_limit));
    if (!done) {
      err = std::move(done.error());
      break;
    }
    if (out != nullptr)
      out->push_back(per_second(n, now_ns() - t0));
  }
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
  return err;
}

struct kv_env {
  std::unique_ptr<nats_launcher> server;
  std::unique_ptr<domain::domain_catalog> catalog;
};

caf::expected<figures> smith_kv(const options& opts, const kv_env& env, size_t n) {
  temp_dir dir;
  auto b = bench_node::start(opts, "b", env.server->url(), *env.catalog);
  if (!b)
    return std::move(b.error());
  auto a = bench_node::start(opts, "a", env.server->url(), *env.catalog);
  if (!a)
    return std::move(a.error());
  auto type = env.catalog->find_agent("kv", "kv");
  auto agent = (*b)->spawn_typed("kv", *type, "kv-1", 4096, {{"path", (dir.path / "kv").string()}});
  if (!agent)
    return std::move(agent.error());
  bridge::agent_ref ref{"kv", "kv-1"};
  v1::Retrieve probe;
  probe.set_key("probe");
  for (auto* node : {b->get(), a->get()})
    if (auto err = wait_reachable(*node, ref, "retrieve", probe, 10s))
      return err;
  // Warm-ups: every key written once (the measured puts overwrite, as the baseline's do),
  // and the remote path exercised before it is timed.
  figures out;
  if (auto err = drive(**b, ref, n, nullptr))
    return err;
  if (auto err = drive(**b, ref, n, &out)) // local: in-process through b's bridge
    return err;
  if (auto err = drive(**a, ref, std::max<size_t>(1, n / 10), nullptr))
    return err;
  if (auto err = drive(**a, ref, n, &out)) // remote: a -> NATS -> b
    return err;
  return out;
}

/// Raw RocksDB: `n` puts then `n` gets of the same keys and values, three times: a warm-up
/// (not recorded), then the two recorded passes matching Smith's local and remote ones.
caf::expected<figures> raw_kv(size_t n) {
  temp_dir dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  o.compression = rocksdb::kLZ4Compression; // the storage adapter's default
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, (dir.path / "db").string(), &raw).ok())
    return failure("raw rocksdb open failed");
  std::unique_ptr<rocksdb::DB> db{raw};
  figures out;
  std::string value(value_bytes, 'v');
  std::string got;
  for (int pass = 0; pass < 3; ++pass) {
    auto t0 = now_ns();
    for (size_t i = 0; i < n; ++i)
      if (!db->Put(rocksdb::WriteOptions{}, bench_key(i), value).ok())
        return failure("raw rocksdb put failed");
    auto put_rate = per_second(n, now_ns() - t0);
    t0 = now_ns();
    for (size_t i = 0; i < n; ++i)
      if (!db->Get(rocksdb::ReadOptions{}, bench_key(i), &got).ok() || got.size() != value_bytes)
        return failure("raw rocksdb get failed");
    auto get_rate = per_second(n, now_ns() - t0);
    if (pass > 0)
      out.insert(out.end(), {put_rate, get_rate});
  }
  return out;
}

} // namespace

outcome run_kv(const options& opts) {
  auto env = std::make_shared<kv_env>();
  auto server = nats_launcher::start();
  if (!server)
    return std::move(server.error());
  env->server = std::move(*server);
  env->catalog = std::make_unique<domain::domain_catalog>();
  if (auto err = env->catalog->add(kv::kv_domain()))
    return err;
  auto n = scaled(opts, 10000, 200);
  return compare(opts,
                 {{"kv_put_local", "ops/s"},
                  {"kv_get_local", "ops/s"},
                  {"kv_put_remote", "ops/s"},
                  {"kv_get_remote", "ops/s"}},
                 [env, n](const options& o) { return smith_kv(o, *env, n); },
                 [n](const options&) { return raw_kv(n); });
}

} // namespace smith::bench
