// A per-node, RocksDB-backed, append-only event log per agent, with snapshots, recovery and
// idempotent appends (issue 6). See docs/persistence.md for the key layout and the promise of
// each durability mode.
//
// Usage:
//   auto st = persistence::event_store::open({.path = dir});
//   if (!st) return st.error();
//   auto ack = (*st)->persist("billing/invoicer", "msg-17", payload);   // blocks until durable
//   (*st)->append("billing/invoicer", "", payload, durability_mode::group,
//                 [self = actor](caf::expected<append_ack> a) { caf::anon_send(self, ...); });
//   auto rec = (*st)->recover("billing/invoicer");        // latest snapshot + later events
//
// Appends and snapshots go through one commit thread (never an actor: it blocks on fsync);
// reads go straight to RocksDB and may run on any thread. Nothing throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace rocksdb {
class Env;
} // namespace rocksdb

namespace smith::persistence {

/// When an append is acknowledged (per domain; see docs/persistence.md).
enum class durability_mode : uint8_t {
  /// Every append is written alone with an fsync of the WAL before its ack.
  sync,
  /// Appends waiting together (from many agents) are committed as one WriteBatch with one
  /// fsync, then all acked. Same promise as sync, fewer fsyncs. The default.
  group,
  /// Written to RocksDB's WAL without fsync: survives a process crash, not a power loss.
  none,
};

/// "sync", "group", "none".
const char* to_string(durability_mode x);

/// Parses "sync", "group", "none"; nullopt otherwise.
std::optional<durability_mode> parse_durability_mode(std::string_view text);

/// Options of one event store. Plain data.
struct event_store_options {
  /// Directory of the RocksDB database (created when missing).
  std::string path;
  /// An ack says snapshot_due once this many events followed the agent's latest snapshot
  /// (0 = never).
  uint64_t snapshot_every = 1000;
  /// Most appends and snapshots waiting for the commit thread; more are refused (queue_full).
  size_t queue_capacity = 65536;
  /// Most requests committed in one WriteBatch.
  size_t max_batch = 4096;
  /// Compaction of each agent's log: a snapshot at seq S, once committed, deletes the agent's
  /// events before S and its older snapshots in the same batch (event S stays, so the sequence
  /// continues after a restart). Recovery is unchanged; restore to a seq before S then fails
  /// (bad_snapshot) and checkpoints, message ids and memory operations are kept. Off: the
  /// whole history is kept.
  bool compact = false;
  /// Verify the checksum of every SST file before open() returns (reads the whole database
  /// once). Without it, a damaged block is still detected, when it is read.
  bool verify_on_open = false;
  /// The RocksDB environment; null = the default. Not owned, must outlive the store. Tests
  /// inject I/O faults (a full disk) through it.
  rocksdb::Env* env = nullptr;
};

/// One stored event of an agent. Sequence numbers start at 1 and have no gaps.
struct event {
  uint64_t seq = 0;
  std::string payload;
};

/// The acknowledgement of an append.
struct append_ack {
  /// The event's sequence number (for a duplicate: the original one).
  uint64_t seq = 0;
  /// The message id was already stored: nothing was written.
  bool duplicate = false;
  /// options.snapshot_every events followed the latest snapshot: the caller should save one.
  bool snapshot_due = false;
};

/// A saved state of an agent, covering its events up to and including `seq`.
struct snapshot {
  uint64_t seq = 0;
  std::string state;
};

/// What recover() returns: the latest snapshot (if any) and every event after it, in order.
struct recovered {
  std::optional<snapshot> snap;
  std::vector<event> events;
  /// The agent's last sequence number (0 = no event).
  uint64_t last_seq = 0;
};

/// A named snapshot of an agent's state, taken on an operator's request.
struct checkpoint {
  std::string label;
  /// The agent's last event folded into `state`.
  uint64_t seq = 0;
  std::string state;
};

/// One memory operation on an agent as recorded with it: what, on what, who, why, when.
struct memory_op {
  /// "checkpoint", "restore", "wipe", "fork".
  std::string op;
  /// The checkpoint label, "seq:N", or the other agent of a fork.
  std::string target;
  std::string who;
  std::string why;
  /// Unix time in milliseconds.
  int64_t at_ms = 0;
  /// The agent's sequence number the operation is anchored at.
  uint64_t seq = 0;
};

/// Called once per accepted append, on the commit thread, after the commit: must not block
/// (for an actor: anon_send the result to itself).
using append_completion = std::function<void(caf::expected<append_ack>)>;

class commit_writer;
struct event_db;

/// The event store of one node. Not movable (the commit thread refers to it); close() or the
/// destructor drains accepted requests, acks them, and closes the database.
class event_store {
public:
  /// Opens (or creates) the database with column families events, snapshots, dedup, meta and
  /// starts the commit thread. Errors: persistence_errc::invalid_argument (empty path, zero
  /// queue_capacity or max_batch), storage errors (io_error, busy: locked by another process,
  /// corruption: a damaged WAL record before its tail, a truncated or damaged SST, a bad
  /// manifest; with verify_on_open also any damaged SST block). A torn last WAL record is
  /// tolerated: it can only hold a write that was never acknowledged as synced.
  static caf::expected<std::unique_ptr<event_store>> open(event_store_options opts);

  ~event_store();
  event_store(const event_store&) = delete;
  event_store& operator=(const event_store&) = delete;

  /// Queues an append of `payload` to `agent`'s log (agent = stable identity such as
  /// "domain/name", not an instance id). A non-empty `msg_id` makes it idempotent: if the
  /// agent already stored that id, nothing is written and the ack carries the original seq.
  /// Returns an error (and never calls `done`) when refused: invalid_argument (empty or too
  /// long agent key or msg id), queue_full, closed. Otherwise `done` is called exactly once,
  /// with the ack or with the storage error that failed the write (no_space, io_error; then
  /// nothing of it was stored). After a failed write the next one first asks RocksDB to
  /// resume, so writes succeed again as soon as the fault is gone.
  caf::error append(std::string agent, std::string msg_id, std::string payload,
                    durability_mode mode, append_completion done);

  /// append() that blocks until the ack (not for actors on the cooperative scheduler).
  caf::expected<append_ack> persist(std::string agent, std::string msg_id, std::string payload,
                                    durability_mode mode = durability_mode::group);

  /// Saves `state` as `agent`'s snapshot at `seq` (its events up to seq are folded in) and
  /// blocks until committed with `mode`. Errors: invalid_argument, bad_snapshot (seq beyond
  /// the last event, or 0), queue_full, closed, storage errors.
  caf::error save_snapshot(std::string agent, uint64_t seq, std::string state,
                           durability_mode mode = durability_mode::group);

  /// save_snapshot() that returns at once: `done` is called once, on the commit thread, with
  /// the snapshot's seq or its error. Refusals (invalid_argument, queue_full, closed) are
  /// returned instead (`done` is not called).
  caf::error save_snapshot(std::string agent, uint64_t seq, std::string state,
                           durability_mode mode, append_completion done);

  // -- memory operations (see docs/persistence.md) ---------------------------------------

  /// Saves `state`, the agent's state after its event `seq`, as checkpoint `label` (replacing
  /// one of the same label) and records `op` with it. `done` gets `seq`. Refusals (returned):
  /// invalid_argument (bad agent key, empty or too long label), queue_full, closed; through
  /// `done`: bad_snapshot when `seq` is beyond the agent's last event, storage errors.
  caf::error save_checkpoint(std::string agent, std::string label, uint64_t seq,
                             std::string state, memory_op op, append_completion done);

  /// Makes `state` the agent's new base: one batch writes a marker event (last seq + 1)
  /// holding the encoded `op` and a snapshot of `state` at that seq, so recovery yields
  /// exactly `state`. With `clear_history` it also deletes every earlier event, snapshot and
  /// message id of the agent (checkpoints stay). `done` gets the marker's seq. Refusals as
  /// for append().
  caf::error rebase(std::string agent, std::string state, memory_op op, bool clear_history,
                    durability_mode mode, append_completion done);

  /// Checkpoint `label` of `agent`, nullopt when there is none.
  caf::expected<std::optional<checkpoint>> find_checkpoint(std::string_view agent,
                                                           std::string_view label) const;

  /// Every checkpoint of `agent`, by label.
  caf::expected<std::vector<checkpoint>> checkpoints(std::string_view agent) const;

  /// Every memory operation recorded for `agent`, oldest first.
  caf::expected<std::vector<memory_op>> memory_ops(std::string_view agent) const;

  /// What recover() would have returned right after event `seq`: the latest snapshot at or
  /// before `seq` and the events after it up to `seq`. Errors: bad_snapshot when `seq` is
  /// beyond the last event, or falls in history a wipe deleted.
  caf::expected<recovered> recover_to(std::string_view agent, uint64_t seq) const;

  /// `agent`'s events with seq > `after`, in order (after = 0: all). Errors: invalid_argument,
  /// storage errors, bad_record.
  caf::expected<std::vector<event>> events_since(std::string_view agent, uint64_t after) const;

  /// `agent`'s last sequence number, 0 when it has no event.
  caf::expected<uint64_t> last_seq(std::string_view agent) const;

  /// `agent`'s latest snapshot, nullopt when none.
  caf::expected<std::optional<snapshot>> latest_snapshot(std::string_view agent) const;

  /// The latest snapshot and the events after it.
  caf::expected<recovered> recover(std::string_view agent) const;

  /// Verifies the checksum of every block of every SST file (reads the whole database).
  /// Errors: storage_errc::corruption naming the file, io_error.
  caf::error verify() const;

  /// Stops accepting requests, commits and acks what was accepted, closes the database.
  /// Idempotent; returns the first close error.
  caf::error close();

  /// RocksDB integer property `name` ("rocksdb.estimate-num-keys", "rocksdb.live-sst-files-
  /// size", ...) summed over the store's column families; nullopt for an unknown property or
  /// a closed store. Thread-safe like the reads (not concurrently with close()).
  std::optional<uint64_t> int_property(const std::string& name) const;

private:
  explicit event_store(std::unique_ptr<event_db> db, const event_store_options& opts);
  std::unique_ptr<event_db> db_;
  std::unique_ptr<commit_writer> writer_;
};

/// Whether `agent` is acceptable as an agent key (non-empty, at most max_agent_key bytes).
caf::error check_agent_key(std::string_view agent);

} // namespace smith::persistence
