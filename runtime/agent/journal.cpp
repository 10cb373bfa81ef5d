// Persist-then-apply for event-sourced agents, and their memory operations.
#include "runtime/agent/journal.hpp"

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/core/atoms.hpp"
#include "runtime/persistence/persistence_errc.hpp"
#include "smith/agent/v1/agent.pb.h"

namespace smith::agent {

namespace {

persistence::memory_op make_op(std::string op, std::string target, memory_request req) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return {std::move(op), std::move(target), std::move(req.who), std::move(req.why),
          std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), 0};
}

} // namespace

agent_journal::agent_journal(std::shared_ptr<const journal_binding> binding, std::string key,
                             hooks h)
  : binding_(std::move(binding)), key_(std::move(key)), hooks_(std::move(h)) {
  // nop
}

caf::error agent_journal::recover() {
  auto rec = binding_->store->recover(key_);
  if (!rec)
    return std::move(rec.error());
  if (rec->snap) {
    if (!hooks_.restore)
      return caf::make_error(agent_errc::no_journal,
                             key_ + ": a snapshot exists but the agent has no restore hook");
    if (auto err = hooks_.restore(rec->snap->state))
      return err;
  }
  for (auto& e : rec->events)
    if (auto err = hooks_.apply(e.payload))
      return err;
  last_seq_ = rec->last_seq;
  return {};
}

void agent_journal::enqueue(caf::scheduled_actor* self, pending_request r,
                            const std::function<caf::error(persistence::append_completion)>& submit) {
  // The strong handle keeps the agent's memory alive until the store answers; a message to an
  // agent that died meanwhile is dropped, and recovery folds the change in on the next start.
  auto handle = caf::actor_cast<caf::actor>(self);
  auto err = submit([handle](caf::expected<persistence::append_ack> a) {
    if (a)
      caf::anon_send(handle, persisted_atom::value, a->seq, a->duplicate, a->snapshot_due);
    else
      caf::anon_send(handle, persisted_atom::value, std::move(a.error()));
  });
  if (err)
    r.finish(std::move(err), 0);
  else
    pending_.push_back(std::move(r));
}

void agent_journal::append(caf::scheduled_actor* self, std::string event, std::string msg_id,
                           persist_done done) {
  auto shared = std::make_shared<std::string>(std::move(event));
  pending_request r{[this, shared](uint64_t, bool duplicate) {
                      return duplicate ? caf::error{} : hooks_.apply(*shared);
                    },
                    [done = std::move(done)](caf::error err, uint64_t) { done(err); }};
  enqueue(self, std::move(r), [&](persistence::append_completion c) {
    return binding_->store->append(key_, std::move(msg_id), *shared, binding_->mode,
                                   std::move(c));
  });
}

caf::error agent_journal::on_persisted(caf::error err, uint64_t seq, bool duplicate,
                                       bool snapshot_due) {
  if (pending_.empty())
    return {}; // cannot happen: answers come once per accepted request, in order
  auto r = std::move(pending_.front());
  pending_.pop_front();
  caf::error failed;
  if (!err) {
    failed = r.commit ? r.commit(seq, duplicate) : caf::error{};
    err = failed;
    if (r.own_seq)
      last_seq_ = std::max(last_seq_, seq);
  }
  if (!err && snapshot_due && hooks_.snapshot) {
    auto key = key_;
    auto refused = binding_->store->save_snapshot(
      key_, seq, hooks_.snapshot(), binding_->mode,
      [key](caf::expected<persistence::append_ack> a) {
        if (!a)
          spdlog::warn("agent {}: snapshot failed: {}", key, caf::to_string(a.error()));
      });
    if (refused)
      spdlog::warn("agent {}: snapshot refused: {}", key_, caf::to_string(refused));
  }
  r.finish(std::move(err), seq);
  return failed;
}

caf::error agent_journal::check_memory_ops() const {
  if (!hooks_.snapshot || !hooks_.restore)
    return caf::make_error(agent_errc::no_journal,
                           key_ + ": memory operations need the snapshot and restore hooks");
  return {};
}

void agent_journal::checkpoint(caf::scheduled_actor* self, std::string label,
                               memory_request req, memory_done done) {
  if (auto err = check_memory_ops())
    return done(std::move(err));
  auto op = make_op("checkpoint", label, std::move(req));
  pending_request r{{}, [done](caf::error err, uint64_t seq) {
                      err ? done(std::move(err)) : done(seq);
                    }};
  enqueue(self, std::move(r), [&](persistence::append_completion c) {
    return binding_->store->save_checkpoint(key_, std::move(label), last_seq_, hooks_.snapshot(),
                                            std::move(op), std::move(c));
  });
}

void agent_journal::restore(caf::scheduled_actor* self, const std::string& label,
                            memory_request req, memory_done done) {
  if (auto err = check_memory_ops())
    return done(std::move(err));
  auto cp = binding_->store->find_checkpoint(key_, label);
  if (!cp)
    return done(std::move(cp.error()));
  if (!*cp)
    return done(caf::make_error(persistence::persistence_errc::unknown_checkpoint,
                                key_ + " has no checkpoint '" + label + "'"));
  rebase(self, key_, std::move((*cp)->state), make_op("restore", label, std::move(req)), false,
         true, std::move(done));
}

void agent_journal::restore(caf::scheduled_actor* self, uint64_t seq, memory_request req,
                            memory_done done) {
  if (auto err = check_memory_ops())
    return done(std::move(err));
  auto rec = binding_->store->recover_to(key_, seq);
  if (!rec)
    return done(std::move(rec.error()));
  // Rebuild the state as of `seq` in the live state, take its bytes, then put the live state
  // back: it changes only once the rebase is durable.
  auto current = hooks_.snapshot();
  hooks_.reset();
  caf::error err = rec->snap ? hooks_.restore(rec->snap->state) : caf::error{};
  for (auto i = rec->events.begin(); !err && i != rec->events.end(); ++i)
    err = hooks_.apply(i->payload);
  auto then = hooks_.snapshot();
  if (auto back = hooks_.restore(current); back || err)
    return done(back ? std::move(back) : std::move(err));
  rebase(self, key_, std::move(then), make_op("restore", "seq:" + std::to_string(seq), std::move(req)),
         false, true, std::move(done));
}

void agent_journal::wipe(caf::scheduled_actor* self, memory_request req, memory_done done) {
  if (auto err = check_memory_ops())
    return done(std::move(err));
  auto current = hooks_.snapshot();
  hooks_.reset();
  auto fresh = hooks_.snapshot();
  if (auto err = hooks_.restore(current))
    return done(std::move(err));
  rebase(self, key_, std::move(fresh), make_op("wipe", "", std::move(req)), true, true,
         std::move(done));
}

void agent_journal::fork(caf::scheduled_actor* self, std::string target_key, memory_request req,
                         memory_done done) {
  if (auto err = check_memory_ops())
    return done(std::move(err));
  auto existing = binding_->store->last_seq(target_key);
  if (!existing)
    return done(std::move(existing.error()));
  if (*existing > 0)
    return done(caf::make_error(persistence::persistence_errc::invalid_argument,
                                target_key + " already has a journal: fork needs a new name"));
  auto op = make_op("fork", key_, std::move(req));
  rebase(self, std::move(target_key), hooks_.snapshot(), std::move(op), false, false,
         std::move(done), false);
}

void agent_journal::rebase(caf::scheduled_actor* self, std::string key, std::string state,
                           persistence::memory_op op, bool clear, bool adopt, memory_done done,
                           bool own_seq) {
  auto shared = std::make_shared<std::string>(std::move(state));
  pending_request r{{}, [done](caf::error err, uint64_t seq) {
                      err ? done(std::move(err)) : done(seq);
                    }, own_seq};
  if (adopt) // the new base becomes the live state once durable
    r.commit = [this, shared](uint64_t, bool) {
      hooks_.reset();
      return hooks_.restore(*shared);
    };
  enqueue(self, std::move(r), [&](persistence::append_completion c) {
    return binding_->store->rebase(std::move(key), *shared, std::move(op), clear,
                                   binding_->mode, std::move(c));
  });
}

void agent_journal::record_transition(lifecycle_state from, lifecycle_state to,
                                      const std::string& reason) {
  v1::LifecycleTransition t;
  t.set_from(static_cast<v1::LifecycleState>(from));
  t.set_to(static_cast<v1::LifecycleState>(to));
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  t.mutable_at()->set_seconds(ns / 1'000'000'000);
  t.mutable_at()->set_nanos(static_cast<int32_t>(ns % 1'000'000'000));
  t.set_reason(reason);
  auto key = lifecycle_key(key_);
  auto err = binding_->store->append(
    key, {}, t.SerializeAsString(), persistence::durability_mode::none,
    [key](caf::expected<persistence::append_ack> a) {
      if (!a)
        spdlog::warn("{}: transition not recorded: {}", key, caf::to_string(a.error()));
    });
  if (err)
    spdlog::warn("{}: transition not recorded: {}", key, caf::to_string(err));
}

std::string journal_key(std::string_view domain, std::string_view name) {
  return std::string{domain}.append("/").append(name);
}

std::string lifecycle_key(std::string_view key) {
  return std::string{"_lifecycle/"}.append(key);
}

caf::expected<std::vector<lifecycle_transition>>
recorded_lifecycle(const persistence::event_store& store, std::string_view key) {
  auto evs = store.events_since(lifecycle_key(key), 0);
  if (!evs)
    return evs.error();
  std::vector<lifecycle_transition> out;
  for (auto& e : *evs) {
    v1::LifecycleTransition t;
    if (!t.ParseFromString(e.payload))
      return caf::make_error(persistence::persistence_errc::bad_record,
                             "lifecycle record " + std::to_string(e.seq) + " does not decode");
    out.push_back({static_cast<lifecycle_state>(t.from()), static_cast<lifecycle_state>(t.to()),
                   t.at().seconds() * 1'000'000'000 + t.at().nanos(), t.reason()});
  }
  return out;
}

} // namespace smith::agent
