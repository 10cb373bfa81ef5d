// The commit thread of an event store: takes appends and snapshots from many producers and
// commits them in WriteBatches, fsyncing per the durability mode (internal).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <caf/error.hpp>

#include "runtime/persistence/event_store.hpp"

namespace rocksdb {
class Status;
} // namespace rocksdb

namespace smith::persistence {

/// One append, snapshot, checkpoint or rebase (memory operation) for the commit thread.
struct commit_request {
  enum class kind_t : uint8_t { append, snapshot, checkpoint, rebase };
  kind_t kind = kind_t::append;
  durability_mode mode = durability_mode::group;
  std::string agent;
  std::string msg_id;
  /// The event payload or the snapshot state.
  std::string data;
  /// The snapshot's or checkpoint's seq.
  uint64_t snap_seq = 0;
  /// Checkpoint label (checkpoint only).
  std::string label;
  /// The encoded memory_op recorded with a checkpoint or rebase.
  std::string audit;
  /// Rebase only: delete the agent's earlier events, snapshots and message ids.
  bool clear_history = false;
  /// Called once with the ack (a snapshot's ack carries its seq).
  append_completion done;
};

/// Owns the commit thread. A request accepted by submit() is committed and acked even when
/// stop() follows. Requests are committed in the order they were accepted.
class commit_writer {
public:
  /// `compact`: a snapshot deletes what it covers (event_store_options::compact).
  commit_writer(event_db& db, uint64_t snapshot_every, size_t capacity, size_t max_batch,
                bool compact);
  ~commit_writer();
  commit_writer(const commit_writer&) = delete;
  commit_writer& operator=(const commit_writer&) = delete;

  /// Queues `r`. Errors (r.done not called): queue_full, closed.
  caf::error submit(commit_request r);

  /// Refuses new requests, commits the queued ones, joins the thread. Idempotent.
  void stop();

private:
  struct agent_state {
    uint64_t last_seq = 0;
    uint64_t snap_seq = 0;
    /// agent_prefix(agent), built once: every key of the agent starts with it.
    std::string prefix;
  };
  struct segment;

  void run();
  void commit(std::vector<commit_request>& reqs);
  void process(commit_request& r, segment& seg);
  void process_memory_op(commit_request& r, segment& seg, agent_state& s,
                         const std::string& prefix);
  std::string next_op_key(const std::string& prefix);
  void flush(segment& seg, bool force_sync);
  rocksdb::Status write(segment& seg, bool sync);
  rocksdb::Status resume();
  caf::expected<agent_state*> state_of(const std::string& agent);

  event_db& db_;
  const uint64_t snapshot_every_;
  const size_t capacity_;
  const size_t max_batch_;
  const bool compact_;
  std::mutex mtx_;
  std::condition_variable cv_;
  /// A vector, so that the commit thread takes a whole run by swapping (no per-request move).
  std::vector<commit_request> queue_;
  bool stopping_ = false;
  // Commit-thread only: sequence numbers are assigned here, so one thread owns them.
  std::unordered_map<std::string, agent_state> agents_;
  /// A write failed: RocksDB refuses further writes until asked to resume (or, after a
  /// fatal error, reopened). The next commit() resumes before it builds its batch.
  bool faulted_ = false;
  /// Last key suffix of the ops column family: unique, increasing unix-time nanoseconds.
  uint64_t last_op_ns_ = 0;
  std::thread thread_;
};

} // namespace smith::persistence
