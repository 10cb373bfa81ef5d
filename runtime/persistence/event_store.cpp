// The event store: validation, the blocking wrappers, and reads straight from RocksDB.
#include "runtime/persistence/event_store.hpp"

#include <future>

#include "runtime/persistence/commit_writer.hpp"
#include "runtime/persistence/event_db.hpp"
#include "runtime/persistence/event_keys.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "runtime/storage/storage_errc.hpp"

namespace smith::persistence {

const char* to_string(durability_mode x) {
  switch (x) {
    case durability_mode::sync: return "sync";
    case durability_mode::group: return "group";
    case durability_mode::none: return "none";
  }
  return "group";
}

std::optional<durability_mode> parse_durability_mode(std::string_view text) {
  if (text == "sync")
    return durability_mode::sync;
  if (text == "group")
    return durability_mode::group;
  if (text == "none")
    return durability_mode::none;
  return std::nullopt;
}

caf::error check_agent_key(std::string_view agent) {
  if (agent.empty())
    return invalid_argument_error("empty agent key");
  if (agent.size() > max_agent_key)
    return invalid_argument_error("agent key longer than " + std::to_string(max_agent_key) + " bytes");
  return caf::none;
}

caf::expected<std::unique_ptr<event_store>> event_store::open(event_store_options opts) {
  if (opts.path.empty())
    return invalid_argument_error("empty event store path");
  if (opts.queue_capacity == 0 || opts.max_batch == 0)
    return invalid_argument_error("queue_capacity and max_batch must be > 0");
  auto db = event_db::open(opts);
  if (!db)
    return db.error();
  return std::unique_ptr<event_store>{new event_store(std::move(*db), opts)};
}

event_store::event_store(std::unique_ptr<event_db> db, const event_store_options& opts)
  : db_(std::move(db)) {
  writer_ = std::make_unique<commit_writer>(*db_, opts.snapshot_every, opts.queue_capacity,
                                            opts.max_batch, opts.compact);
}

event_store::~event_store() {
  close();
}

caf::error event_store::close() {
  if (!writer_)
    return caf::none;
  writer_->stop();
  writer_.reset();
  return db_->close();
}

caf::error event_store::append(std::string agent, std::string msg_id, std::string payload,
                               durability_mode mode, append_completion done) {
  if (auto err = check_agent_key(agent))
    return err;
  if (msg_id.size() > max_msg_id)
    return invalid_argument_error("message id longer than " + std::to_string(max_msg_id) + " bytes");
  if (!done)
    return invalid_argument_error("no completion function");
  if (!writer_)
    return closed_error();
  commit_request r;
  r.kind = commit_request::kind_t::append;
  r.mode = mode;
  r.agent = std::move(agent);
  r.msg_id = std::move(msg_id);
  r.data = std::move(payload);
  r.done = std::move(done);
  return writer_->submit(std::move(r));
}

caf::expected<append_ack> event_store::persist(std::string agent, std::string msg_id,
                                               std::string payload, durability_mode mode) {
  auto p = std::make_shared<std::promise<caf::expected<append_ack>>>();
  auto f = p->get_future();
  auto err = append(std::move(agent), std::move(msg_id), std::move(payload), mode,
                    [p](caf::expected<append_ack> a) { p->set_value(std::move(a)); });
  if (err)
    return err;
  return f.get();
}

caf::error event_store::save_snapshot(std::string agent, uint64_t seq, std::string state,
                                      durability_mode mode) {
  auto p = std::make_shared<std::promise<caf::expected<append_ack>>>();
  auto f = p->get_future();
  auto err = save_snapshot(std::move(agent), seq, std::move(state), mode,
                           [p](caf::expected<append_ack> a) { p->set_value(std::move(a)); });
  if (err)
    return err;
  auto res = f.get();
  return res ? caf::error{} : res.error();
}

caf::error event_store::save_snapshot(std::string agent, uint64_t seq, std::string state,
                                      durability_mode mode, append_completion done) {
  if (auto err = check_agent_key(agent))
    return err;
  if (!writer_)
    return closed_error();
  commit_request r;
  r.kind = commit_request::kind_t::snapshot;
  r.mode = mode;
  r.agent = std::move(agent);
  r.data = std::move(state);
  r.snap_seq = seq;
  r.done = std::move(done);
  return writer_->submit(std::move(r));
}

caf::expected<std::vector<event>> event_store::events_since(std::string_view agent,
                                                            uint64_t after) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  return db_->scan_events(agent_prefix(agent), after);
}

caf::expected<uint64_t> event_store::last_seq(std::string_view agent) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  auto last = db_->last_under(db_->events, agent_prefix(agent), false);
  if (!last)
    return last.error();
  return *last ? (*last)->first : uint64_t{0};
}

caf::expected<std::optional<snapshot>> event_store::latest_snapshot(std::string_view agent) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  auto last = db_->last_under(db_->snapshots, agent_prefix(agent), true);
  if (!last)
    return last.error();
  if (!*last)
    return std::optional<snapshot>{};
  return std::optional<snapshot>{snapshot{(*last)->first, std::move((*last)->second)}};
}

caf::expected<recovered> event_store::recover(std::string_view agent) const {
  if (auto err = check_agent_key(agent))
    return err;
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  // One read view for both reads: a snapshot committed between them must not hide the events
  // it does not cover.
  struct view_guard {
    rocksdb::DB* db;
    const rocksdb::Snapshot* view;
    ~view_guard() { db->ReleaseSnapshot(view); }
  } guard{db_->db.get(), db_->db->GetSnapshot()};
  auto prefix = agent_prefix(agent);
  auto snap = db_->last_under(db_->snapshots, prefix, true, guard.view);
  if (!snap)
    return snap.error();
  recovered out;
  if (*snap)
    out.snap = snapshot{(*snap)->first, std::move((*snap)->second)};
  auto evs = db_->scan_events(prefix, out.snap ? out.snap->seq : 0, guard.view);
  if (!evs)
    return evs.error();
  out.events = std::move(*evs);
  out.last_seq = !out.events.empty() ? out.events.back().seq : (out.snap ? out.snap->seq : 0);
  return out;
}

caf::error event_store::verify() const {
  auto read = db_->read_lock();
  if (!db_->db)
    return closed_error();
  return storage::make_storage_error(db_->db->VerifyChecksum(), "verify event store");
}

} // namespace smith::persistence
