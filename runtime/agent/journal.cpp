// Persist-then-apply for event-sourced agents.
#include "runtime/agent/journal.hpp"

#include <caf/actor_cast.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "runtime/core/atoms.hpp"

namespace smith::agent {

agent_journal::agent_journal(std::shared_ptr<const journal_binding> binding, std::string key,
                             apply_fn apply, snapshot_fn snapshot, restore_fn restore)
  : binding_(std::move(binding)), key_(std::move(key)), apply_(std::move(apply)),
    snapshot_(std::move(snapshot)), restore_(std::move(restore)) {
  // nop
}

caf::error agent_journal::recover() {
  auto rec = binding_->store->recover(key_);
  if (!rec)
    return std::move(rec.error());
  if (rec->snap) {
    if (!restore_)
      return caf::make_error(caf::sec::runtime_error,
                             key_ + ": a snapshot exists but the agent has no restore hook");
    if (auto err = restore_(rec->snap->state))
      return err;
  }
  for (auto& e : rec->events)
    if (auto err = apply_(e.payload))
      return err;
  last_seq_ = rec->last_seq;
  return {};
}

bool agent_journal::append(caf::scheduled_actor* self, std::string event, std::string msg_id,
                           persist_done done) {
  // The strong handle keeps the agent's memory alive until the store answers; a message to an
  // agent that died meanwhile is dropped, and recovery applies the event on the next start.
  auto handle = caf::actor_cast<caf::actor>(self);
  auto err = binding_->store->append(
    key_, std::move(msg_id), event, binding_->mode,
    [handle](caf::expected<persistence::append_ack> a) {
      if (a)
        caf::anon_send(handle, persisted_atom::value, a->seq, a->duplicate, a->snapshot_due);
      else
        caf::anon_send(handle, persisted_atom::value, std::move(a.error()));
    });
  if (err) {
    done(err);
    return false;
  }
  pending_.push_back({std::move(event), std::move(done)});
  return true;
}

caf::error agent_journal::on_persisted(caf::error err, uint64_t seq, bool duplicate,
                                       bool snapshot_due) {
  if (pending_.empty())
    return {}; // cannot happen: answers come once per accepted append, in order
  auto p = std::move(pending_.front());
  pending_.pop_front();
  caf::error failed;
  if (!err && !duplicate) {
    failed = apply_(p.event);
    err = failed;
    last_seq_ = seq;
  }
  if (!err && snapshot_due && snapshot_) {
    auto key = key_;
    auto refused = binding_->store->save_snapshot(
      key_, seq, snapshot_(), binding_->mode, [key](caf::expected<persistence::append_ack> a) {
        if (!a)
          spdlog::warn("agent {}: snapshot failed: {}", key, caf::to_string(a.error()));
      });
    if (refused)
      spdlog::warn("agent {}: snapshot refused: {}", key_, caf::to_string(refused));
  }
  p.done(err);
  return failed;
}

} // namespace smith::agent
