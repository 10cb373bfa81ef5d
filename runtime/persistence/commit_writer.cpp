// Group commit: one WriteBatch per drained run of group/none requests, one per sync request.
#include "runtime/persistence/commit_writer.hpp"

#include <chrono>

#include <rocksdb/write_batch.h>

#include "runtime/persistence/event_db.hpp"
#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::persistence {

namespace {

/// Free bytes needed before resuming after a full disk: room to flush the memtables.
constexpr uint64_t resume_headroom = uint64_t{64} << 20;

/// Writes, syncs and removes a small file next to the database: whether the device takes
/// writes again, asked without touching the database itself.
rocksdb::Status probe_device(rocksdb::Env* env, const std::string& dir) {
  auto path = dir + "/SMITH-WRITE-PROBE";
  std::unique_ptr<rocksdb::WritableFile> file;
  auto st = env->NewWritableFile(path, &file, rocksdb::EnvOptions{});
  if (st.ok())
    st = file->Append(rocksdb::Slice{"probe"});
  if (st.ok())
    st = file->Sync();
  if (file) {
    auto closed = file->Close();
    if (st.ok())
      st = closed;
  }
  env->DeleteFile(path).PermitUncheckedError();
  return st;
}

} // namespace

/// Requests committed by one RocksDB write, with their results until the write is done.
struct commit_writer::segment {
  rocksdb::WriteBatch batch;
  bool sync = false;
  std::vector<std::pair<commit_request*, caf::expected<append_ack>>> results;
  /// Dedup keys written by this batch (not yet visible in the database).
  std::unordered_map<std::string, uint64_t> pending;
};

commit_writer::commit_writer(event_db& db, uint64_t snapshot_every, size_t capacity,
                             size_t max_batch, bool compact)
  : db_(db), snapshot_every_(snapshot_every), capacity_(capacity), max_batch_(max_batch),
    compact_(compact) {
  thread_ = std::thread{[this] { run(); }};
}

commit_writer::~commit_writer() {
  stop();
}

caf::error commit_writer::submit(commit_request r) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_)
      return closed_error();
    if (queue_.size() >= capacity_)
      return caf::make_error(persistence_errc::queue_full,
                             "commit queue holds " + std::to_string(capacity_) + " requests");
    queue_.push_back(std::move(r));
  }
  cv_.notify_one();
  return caf::none;
}

void commit_writer::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

void commit_writer::run() {
  std::vector<commit_request> reqs;
  for (;;) {
    {
      std::unique_lock<std::mutex> guard{mtx_};
      cv_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping and drained
      if (queue_.size() <= max_batch_) {
        reqs.swap(queue_); // reqs is empty: the two vectors trade their capacity
      } else {
        auto split = queue_.begin() + static_cast<std::ptrdiff_t>(max_batch_);
        reqs.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(split));
        queue_.erase(queue_.begin(), split);
      }
    }
    commit(reqs);
    reqs.clear();
  }
}

void commit_writer::commit(std::vector<commit_request>& reqs) {
  if (faulted_) {
    // Resumed (or reopened) before the batch is built: building reads the database.
    if (auto st = resume(); !st.ok()) {
      auto err = storage::make_storage_error(st, "resume event store");
      for (auto& r : reqs)
        r.done(err);
      return;
    }
    faulted_ = false;
  }
  segment seg;
  for (auto& r : reqs) {
    if (r.mode == durability_mode::sync) {
      // sync promises one synced write per append: close the running batch first (order).
      flush(seg, false);
      segment alone;
      process(r, alone);
      flush(alone, true);
      continue;
    }
    seg.sync = seg.sync || r.mode == durability_mode::group;
    process(r, seg);
  }
  flush(seg, false);
}

caf::expected<commit_writer::agent_state*> commit_writer::state_of(const std::string& agent) {
  if (auto i = agents_.find(agent); i != agents_.end())
    return &i->second;
  auto prefix = agent_prefix(agent);
  auto last = db_.last_under(db_.events, prefix, false);
  if (!last)
    return last.error();
  auto snap = db_.last_under(db_.snapshots, prefix, false);
  if (!snap)
    return snap.error();
  agent_state st;
  st.last_seq = *last ? (*last)->first : 0;
  st.snap_seq = *snap ? (*snap)->first : 0;
  st.prefix = std::move(prefix);
  return &agents_.emplace(agent, st).first->second;
}

void commit_writer::process(commit_request& r, segment& seg) {
  auto st = state_of(r.agent);
  if (!st) {
    seg.results.emplace_back(&r, st.error());
    return;
  }
  auto& s = **st;
  const auto& prefix = s.prefix;
  if (r.kind == commit_request::kind_t::checkpoint || r.kind == commit_request::kind_t::rebase) {
    process_memory_op(r, seg, s, prefix);
    return;
  }
  if (r.kind == commit_request::kind_t::snapshot) {
    if (r.snap_seq == 0 || r.snap_seq > s.last_seq) {
      seg.results.emplace_back(&r, caf::make_error(persistence_errc::bad_snapshot,
                                                   "snapshot seq " + std::to_string(r.snap_seq)
                                                     + " but last event is "
                                                     + std::to_string(s.last_seq)));
      return;
    }
    seg.batch.Put(db_.snapshots, seq_key(prefix, r.snap_seq), r.data);
    if (compact_ && r.snap_seq > s.snap_seq) {
      // Keeps event snap_seq: the agent's last seq must stay readable (state_of).
      seg.batch.DeleteRange(db_.events, seq_key(prefix, 0), seq_key(prefix, r.snap_seq));
      seg.batch.DeleteRange(db_.snapshots, seq_key(prefix, 0), seq_key(prefix, r.snap_seq));
    }
    s.snap_seq = std::max(s.snap_seq, r.snap_seq);
    seg.results.emplace_back(&r, append_ack{r.snap_seq, false, false});
    return;
  }
  std::string dedup_key;
  if (!r.msg_id.empty()) {
    dedup_key = prefix + r.msg_id;
    std::optional<uint64_t> seen;
    if (auto i = seg.pending.find(dedup_key); i != seg.pending.end()) {
      seen = i->second;
    } else if (auto found = db_.find_dedup(dedup_key); !found) {
      seg.results.emplace_back(&r, found.error());
      return;
    } else {
      seen = *found;
    }
    if (seen) {
      seg.results.emplace_back(&r, append_ack{*seen, true, false});
      return;
    }
  }
  auto seq = ++s.last_seq;
  seg.batch.Put(db_.events, seq_key(prefix, seq), r.data);
  if (!dedup_key.empty()) {
    seg.batch.Put(db_.dedup, dedup_key, encode_u64(seq));
    seg.pending.emplace(std::move(dedup_key), seq);
  }
  bool due = snapshot_every_ > 0 && seq - s.snap_seq >= snapshot_every_;
  seg.results.emplace_back(&r, append_ack{seq, false, due});
}

void commit_writer::process_memory_op(commit_request& r, segment& seg, agent_state& s,
                                      const std::string& prefix) {
  if (r.kind == commit_request::kind_t::checkpoint) {
    if (r.snap_seq > s.last_seq) {
      seg.results.emplace_back(&r, caf::make_error(persistence_errc::bad_snapshot,
                                                   "checkpoint at seq " + std::to_string(r.snap_seq)
                                                     + " but last event is "
                                                     + std::to_string(s.last_seq)));
      return;
    }
    seg.batch.Put(db_.checkpoints, prefix + r.label, encode_u64(r.snap_seq) + r.data);
    seg.batch.Put(db_.ops, next_op_key(prefix), r.audit);
    seg.results.emplace_back(&r, append_ack{r.snap_seq, false, false});
    return;
  }
  auto seq = ++s.last_seq;
  if (r.clear_history) {
    // Range deletes: one tombstone each, however long the history was.
    seg.batch.DeleteRange(db_.events, seq_key(prefix, 0), seq_key(prefix, seq));
    seg.batch.DeleteRange(db_.snapshots, seq_key(prefix, 0), seq_key(prefix, seq));
    seg.batch.DeleteRange(db_.dedup, prefix, prefix_end(prefix));
    std::erase_if(seg.pending, [&](auto& kv) { return kv.first.starts_with(prefix); });
  }
  seg.batch.Put(db_.events, seq_key(prefix, seq), r.audit);
  seg.batch.Put(db_.snapshots, seq_key(prefix, seq), r.data);
  seg.batch.Put(db_.ops, next_op_key(prefix), r.audit);
  s.snap_seq = seq;
  seg.results.emplace_back(&r, append_ack{seq, false, false});
}

std::string commit_writer::next_op_key(const std::string& prefix) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  last_op_ns_ = std::max(last_op_ns_ + 1, ns);
  return seq_key(prefix, last_op_ns_);
}

void commit_writer::flush(segment& seg, bool force_sync) {
  if (seg.batch.Count() > 0) {
    auto st = write(seg, force_sync || seg.sync);
    if (!st.ok()) {
      // Nothing of the batch is applied: forget the advanced sequence numbers.
      agents_.clear();
      auto err = storage::make_storage_error(st, "commit event batch");
      for (auto& x : seg.results)
        if (x.second)
          x.second = err;
    }
  }
  for (auto& [req, res] : seg.results)
    req->done(std::move(res));
  seg.batch.Clear();
  seg.sync = false;
  seg.results.clear();
  seg.pending.clear();
}

rocksdb::Status commit_writer::write(segment& seg, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto st = db_.db->Write(wo, &seg.batch);
  faulted_ = faulted_ || !st.ok();
  return st;
}

rocksdb::Status commit_writer::resume() {
  // After a failed write RocksDB refuses writes until resumed. Resuming flushes the memtables;
  // if that flush fails too, RocksDB 7.8 escalates to a fatal error. So while the disk has no
  // room for a flush, or the device still fails writes (EIO), fail fast without trying.
  if (!db_.db)
    return db_.reopen(); // an earlier reopen failed
  uint64_t free_space = 0;
  auto* env = db_.db->GetEnv();
  if (env->GetFreeSpace(db_.db->GetName(), &free_space).ok() && free_space < resume_headroom)
    return rocksdb::Status::NoSpace("still " + std::to_string(free_space)
                                    + " bytes free, waiting for "
                                    + std::to_string(resume_headroom) + " before resuming");
  if (auto st = probe_device(env, db_.db->GetName()); !st.ok())
    return st;
  if (auto st = db_.db->Resume(); st.ok())
    return st;
  // The device takes writes again but the error is fatal to RocksDB (a WAL write failed with
  // EIO): only a reopen clears it. Its WAL replay keeps every acknowledged write.
  return db_.reopen();
}

} // namespace smith::persistence
