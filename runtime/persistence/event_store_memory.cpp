// The event store's memory operations: checkpoints, rebases (restore, wipe, fork) and their
// audit records, and recovery as of an earlier sequence number.
#include "runtime/persistence/event_store.hpp"

#include <rocksdb/db.h>

#include "runtime/persistence/commit_writer.hpp"
#include "runtime/persistence/event_db.hpp"
#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::persistence {

namespace {

constexpr size_t max_label = 256;

void put_field(std::string& out, std::string_view x) {
  out.append(encode_u64(x.size())).append(x);
}

/// Reads one length-prefixed field from `in` at `pos`; false when truncated.
bool get_field(std::string_view in, size_t& pos, std::string& out) {
  if (in.size() - pos < 8)
    return false;
  auto n = *decode_u64_tail(in.substr(pos, 8));
  pos += 8;
  if (in.size() - pos < n)
    return false;
  out.assign(in.substr(pos, n));
  pos += n;
  return true;
}

std::string encode_op(const memory_op& op) {
  std::string out;
  for (auto* f : {&op.op, &op.target, &op.who, &op.why})
    put_field(out, *f);
  out.append(encode_u64(static_cast<uint64_t>(op.at_ms))).append(encode_u64(op.seq));
  return out;
}

std::optional<memory_op> decode_op(std::string_view in) {
  memory_op op;
  size_t pos = 0;
  for (auto* f : {&op.op, &op.target, &op.who, &op.why})
    if (!get_field(in, pos, *f))
      return std::nullopt;
  if (in.size() - pos != 16)
    return std::nullopt;
  op.at_ms = static_cast<int64_t>(*decode_u64_tail(in.substr(pos, 8)));
  op.seq = *decode_u64_tail(in.substr(pos + 8, 8));
  return op;
}

} // namespace

caf::error event_store::save_checkpoint(std::string agent, std::string label, uint64_t seq,
                                        std::string state, memory_op op,
                                        append_completion done) {
  if (auto err = check_agent_key(agent))
    return err;
  if (label.empty() || label.size() > max_label)
    return invalid_argument_error("checkpoint label must have 1 to " + std::to_string(max_label) + " bytes");
  if (!writer_)
    return closed_error();
  op.seq = seq;
  commit_request r;
  r.kind = commit_request::kind_t::checkpoint;
  r.mode = durability_mode::group;
  r.agent = std::move(agent);
  r.label = std::move(label);
  r.data = std::move(state);
  r.snap_seq = seq;
  r.audit = encode_op(op);
  r.done = std::move(done);
  return writer_->submit(std::move(r));
}

caf::error event_store::rebase(std::string agent, std::string state, memory_op op,
                               bool clear_history, durability_mode mode,
                               append_completion done) {
  if (auto err = check_agent_key(agent))
    return err;
  if (!writer_)
    return closed_error();
  commit_request r;
  r.kind = commit_request::kind_t::rebase;
  r.mode = mode;
  r.agent = std::move(agent);
  r.data = std::move(state);
  r.audit = encode_op(op);
  r.clear_history = clear_history;
  r.done = std::move(done);
  return writer_->submit(std::move(r));
}

caf::expected<std::optional<checkpoint>>
event_store::find_checkpoint(std::string_view agent, std::string_view label) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  std::string value;
  auto st = db_->db->Get(rocksdb::ReadOptions{}, db_->checkpoints,
                         agent_prefix(agent).append(label), &value);
  if (st.IsNotFound())
    return std::optional<checkpoint>{};
  if (!st.ok())
    return storage::make_storage_error(st, "read checkpoint");
  if (value.size() < 8)
    return caf::make_error(persistence_errc::bad_record, std::string{"checkpoint value size"});
  return std::optional<checkpoint>{
    checkpoint{std::string{label}, *decode_u64_tail(value.substr(0, 8)), value.substr(8)}};
}

caf::expected<std::vector<checkpoint>> event_store::checkpoints(std::string_view agent) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  auto prefix = agent_prefix(agent);
  std::vector<checkpoint> out;
  std::unique_ptr<rocksdb::Iterator> it{db_->db->NewIterator({}, db_->checkpoints)};
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto v = it->value();
    if (v.size() < 8)
      return caf::make_error(persistence_errc::bad_record, std::string{"checkpoint value size"});
    out.push_back({it->key().ToString().substr(prefix.size()),
                   *decode_u64_tail({v.data(), 8}), std::string{v.data() + 8, v.size() - 8}});
  }
  if (!it->status().ok())
    return storage::make_storage_error(it->status(), "scan checkpoints");
  return out;
}

caf::expected<std::vector<memory_op>> event_store::memory_ops(std::string_view agent) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  auto prefix = agent_prefix(agent);
  std::vector<memory_op> out;
  std::unique_ptr<rocksdb::Iterator> it{db_->db->NewIterator({}, db_->ops)};
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto op = decode_op({it->value().data(), it->value().size()});
    if (!op)
      return caf::make_error(persistence_errc::bad_record, std::string{"memory op record"});
    out.push_back(std::move(*op));
  }
  if (!it->status().ok())
    return storage::make_storage_error(it->status(), "scan memory ops");
  return out;
}

caf::expected<recovered> event_store::recover_to(std::string_view agent, uint64_t seq) const {
  auto all = recover(agent); // validates the key, and tells the last seq
  if (!all)
    return all.error();
  if (seq > all->last_seq)
    return caf::make_error(persistence_errc::bad_snapshot,
                           "seq " + std::to_string(seq) + " is beyond the last event "
                             + std::to_string(all->last_seq));
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  auto prefix = agent_prefix(agent);
  auto snap = db_->last_under(db_->snapshots, prefix, true, nullptr, seq);
  if (!snap)
    return snap.error();
  recovered out;
  if (*snap)
    out.snap = snapshot{(*snap)->first, std::move((*snap)->second)};
  auto from = out.snap ? out.snap->seq : 0;
  auto evs = db_->scan_events(prefix, from);
  if (!evs)
    return evs.error();
  for (auto& e : *evs)
    if (e.seq <= seq)
      out.events.push_back(std::move(e));
  if (seq > from && (out.events.empty() || out.events.front().seq != from + 1))
    return caf::make_error(persistence_errc::bad_snapshot,
                           "history up to seq " + std::to_string(seq)
                             + " was wiped or compacted");
  out.last_seq = seq;
  return out;
}

} // namespace smith::persistence
