// recover: time to recover every agent's log (latest snapshot + later events) through the
// event store, vs a raw RocksDB scan of the same events column family.
#include "tools/smith-bench/bench.hpp"

#include <filesystem>
#include <random>

#include <rocksdb/db.h>

#include "runtime/persistence/event_store.hpp"

namespace smith::bench {

namespace {

namespace ps = smith::persistence;

struct recover_setup {
  size_t agents;
  size_t per_agent;
  bool snapshots;
};

std::string rec_agent(size_t i) {
  return "bench/agent-" + std::to_string(i);
}

/// Fills a fresh store (mode none: the fill is not what is measured), closes it, and returns
/// its path.
caf::expected<std::string> fill(const std::filesystem::path& dir, const recover_setup& s) {
  ps::event_store_options o;
  o.path = (dir / "db").string();
  o.snapshot_every = 0;
  auto st = ps::event_store::open(o);
  if (!st)
    return st.error();
  countdown done{s.agents * s.per_agent};
  std::string payload(100, 'x');
  for (size_t seq = 1; seq <= s.per_agent; ++seq)
    for (size_t i = 0; i < s.agents; ++i)
      for (;;) {
        auto err = (*st)->append(rec_agent(i), "", payload, ps::durability_mode::none,
                                 [&](caf::expected<ps::append_ack>) { done.count_down(); });
        if (!err)
          break;
        std::this_thread::yield(); // queue_full: the commit thread catches up
      }
  if (!done.wait_for(std::chrono::seconds{600}))
    return failure("fill timed out");
  if (s.snapshots)
    for (size_t i = 0; i < s.agents; ++i)
      if (auto err = (*st)->save_snapshot(rec_agent(i), s.per_agent * 9 / 10, std::string(1000, 's'),
                                          ps::durability_mode::none))
        return err;
  if (auto err = (*st)->close())
    return err;
  return o.path;
}

/// Recovers every agent; returns the milliseconds taken and checks the replay count.
caf::expected<double> recover_all(const std::string& path, const recover_setup& s) {
  auto t0 = now_ns();
  ps::event_store_options o;
  o.path = path;
  auto st = ps::event_store::open(o);
  if (!st)
    return st.error();
  for (size_t i = 0; i < s.agents; ++i) {
    auto r = (*st)->recover(rec_agent(i));
    if (!r || r->last_seq != s.per_agent)
      return failure("recover returned a wrong log");
  }
  return (now_ns() - t0) / 1e6;
}

caf::expected<double> raw_scan(const std::string& path) {
  auto t0 = now_ns();
  rocksdb::Options o;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (auto* n : {"default", "events", "snapshots", "dedup", "meta"})
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
  std::vector<rocksdb::ColumnFamilyHandle*> hs;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, path, cfs, &hs, &raw).ok())
    return failure("raw open failed");
  size_t n = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it{raw->NewIterator({}, hs[1])};
    for (it->SeekToFirst(); it->Valid(); it->Next())
      n += it->value().size() > 0 ? 1 : 0;
  }
  for (auto* h : hs)
    raw->DestroyColumnFamilyHandle(h);
  delete raw;
  if (n == 0)
    return failure("raw scan saw nothing");
  return (now_ns() - t0) / 1e6;
}

caf::expected<result> one(const options& opts, bool snapshots) {
  recover_setup s{scaled(opts, 10000, 10), scaled(opts, 100, 10), snapshots};
  std::filesystem::path dir = std::filesystem::temp_directory_path()
                              / ("smith-bench-recover-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto path = fill(dir, s);
  caf::expected<result> out = failure("no repetition");
  if (path) {
    std::vector<double> sm, bl;
    for (size_t r = 0; r < opts.reps; ++r) {
      auto b = raw_scan(*path);
      auto m = recover_all(*path, s);
      if (!b || !m) {
        out = !b ? b.error() : m.error();
        break;
      }
      note("recover rep " + std::to_string(r) + ": raw " + std::to_string(*b) + " ms, smith "
           + std::to_string(*m) + " ms");
      bl.push_back(*b);
      sm.push_back(*m);
    }
    if (sm.size() == opts.reps) {
      std::sort(sm.begin(), sm.end());
      std::sort(bl.begin(), bl.end());
      out = result{snapshots ? "recover_snapshots" : "recover_events", sm[sm.size() / 2],
                   bl[bl.size() / 2], "ms"};
    }
  } else {
    out = path.error();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return out;
}

} // namespace

outcome run_recover(const options& opts) {
  std::vector<result> out;
  for (bool snaps : {false, true}) {
    auto r = one(opts, snaps);
    if (!r)
      return r.error();
    out.push_back(*r);
  }
  return out;
}

} // namespace smith::bench
