// persist: durable events/s of the event store vs raw RocksDB group commit / raw fdatasync.
// recover: time to recover every agent (latest snapshot + later events) vs a raw scan.
//
// The 1,000 producer "agents" are logical producers, not threads or actors: each keeps one
// append in flight and issues its next one from its completion (what an actor does when it
// anon_sends itself the ack), so up to 1,000 appends wait per group commit.
#include "tools/smith-bench/bench.hpp"

#include <atomic>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <unistd.h>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/event_store.hpp"

namespace smith::bench {

namespace {

namespace ps = smith::persistence;

constexpr size_t payload_bytes = 100;

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path()
           / ("smith-bench-persist-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string agent_name(size_t i) {
  return "bench/agent-" + std::to_string(i);
}

caf::expected<std::unique_ptr<ps::event_store>> open_store(const temp_dir& dir) {
  ps::event_store_options o;
  o.path = (dir.path / "db").string();
  o.snapshot_every = 0;
  return ps::event_store::open(o);
}

/// One logical agent: appends `left` events, the next one from the previous one's ack.
struct producer {
  ps::event_store* st;
  std::string name;
  size_t left;
  ps::durability_mode mode;
  countdown* done;
  std::atomic<bool>* failed;
  void next() {
    if (left-- == 0) {
      done->count_down();
      return;
    }
    auto err = st->append(name, "", std::string(payload_bytes, 'x'), mode,
                          [this](caf::expected<ps::append_ack> a) {
                            if (!a)
                              failed->store(true);
                            next();
                          });
    if (err) {
      failed->store(true);
      done->count_down();
    }
  }
};

caf::expected<figures> smith_group(const options& opts) {
  auto agents = scaled(opts, 1000, 10);
  auto per_agent = scaled(opts, 50, 2);
  temp_dir dir;
  auto st = open_store(dir);
  if (!st)
    return st.error();
  countdown done{agents};
  std::atomic<bool> failed{false};
  std::vector<producer> ps_;
  for (size_t i = 0; i < agents; ++i)
    ps_.push_back({st->get(), agent_name(i), per_agent, ps::durability_mode::group, &done, &failed});
  auto t0 = now_ns();
  for (auto& p : ps_)
    p.next();
  if (!done.wait_for(std::chrono::seconds{300}) || failed)
    return failure("group appends failed or timed out");
  return figures{per_second(agents * per_agent, now_ns() - t0)};
}

caf::expected<figures> raw_group(const options& opts) {
  auto agents = scaled(opts, 1000, 10);
  auto per_agent = scaled(opts, 50, 2);
  temp_dir dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, (dir.path / "db").string(), &raw).ok())
    return failure("raw rocksdb open failed");
  std::unique_ptr<rocksdb::DB> db{raw};
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::vector<std::string> prefixes;
  for (size_t i = 0; i < agents; ++i)
    prefixes.push_back(ps::agent_prefix(agent_name(i)));
  auto t0 = now_ns();
  for (size_t seq = 1; seq <= per_agent; ++seq) {
    rocksdb::WriteBatch b; // one batch holds one event of every agent, as the group does
    for (auto& p : prefixes)
      b.Put(ps::seq_key(p, seq), std::string(payload_bytes, 'x'));
    if (!db->Write(wo, &b).ok())
      return failure("raw rocksdb write failed");
  }
  return figures{per_second(agents * per_agent, now_ns() - t0)};
}

caf::expected<figures> smith_sync(const options& opts) {
  auto n = scaled(opts, 1000, 20);
  temp_dir dir;
  auto st = open_store(dir);
  if (!st)
    return st.error();
  auto t0 = now_ns();
  for (size_t i = 0; i < n; ++i)
    if (!(*st)->persist("bench/one", "", std::string(payload_bytes, 'x'), ps::durability_mode::sync))
      return failure("sync persist failed");
  return figures{per_second(n, now_ns() - t0)};
}

caf::expected<figures> raw_fdatasync(const options& opts) {
  auto n = scaled(opts, 1000, 20);
  temp_dir dir;
  auto fd = ::open((dir.path / "log").c_str(), O_CREAT | O_WRONLY | O_APPEND, 0600);
  if (fd < 0)
    return failure("open log failed");
  std::string rec = ps::seq_key(ps::agent_prefix("bench/one"), 1) + std::string(payload_bytes, 'x');
  auto t0 = now_ns();
  for (size_t i = 0; i < n; ++i)
    if (::write(fd, rec.data(), rec.size()) != static_cast<ssize_t>(rec.size()) || ::fdatasync(fd) != 0) {
      ::close(fd);
      return failure("write/fdatasync failed");
    }
  auto ns = now_ns() - t0;
  ::close(fd);
  return figures{per_second(n, ns)};
}

} // namespace

outcome run_persist(const options& opts) {
  auto group = compare(opts, {{"persist_group", "events/s"}}, smith_group, raw_group);
  if (!group)
    return group;
  auto sync = compare(opts, {{"persist_sync", "events/s"}}, smith_sync, raw_fdatasync);
  if (!sync)
    return sync;
  group->insert(group->end(), sync->begin(), sync->end());
  return group;
}

} // namespace smith::bench
