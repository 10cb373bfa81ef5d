// agent_core's journal side: memory operations (checkpoint, restore, wipe, fork) and recorded
// lifecycle transitions.
#include "runtime/agent/agent_core.hpp"

#include <caf/all.hpp>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/agent/agent_id.hpp"

namespace smith::agent {

caf::message_handler agent_core::memory_handlers() {
  return {
    [](checkpoint_atom, std::string& label, std::string& who, std::string& why) {
      auto [self, core] = current();
      return core->memory_op(self, "checkpoint", [=](agent_journal& j, memory_done done) mutable {
        j.checkpoint(self, std::move(label), {std::move(who), std::move(why)}, std::move(done));
      });
    },
    [](restore_atom, std::string& label, std::string& who, std::string& why) {
      auto [self, core] = current();
      return core->memory_op(self, "restore", [=](agent_journal& j, memory_done done) mutable {
        j.restore(self, label, {std::move(who), std::move(why)}, std::move(done));
      });
    },
    [](restore_atom, uint64_t seq, std::string& who, std::string& why) {
      auto [self, core] = current();
      return core->memory_op(self, "restore", [=](agent_journal& j, memory_done done) mutable {
        j.restore(self, seq, {std::move(who), std::move(why)}, std::move(done));
      });
    },
    [](wipe_atom, std::string& who, std::string& why) {
      auto [self, core] = current();
      return core->memory_op(self, "wipe", [=](agent_journal& j, memory_done done) mutable {
        j.wipe(self, {std::move(who), std::move(why)}, std::move(done));
      });
    },
    [](fork_atom, std::string& name, std::string& who, std::string& why) {
      auto [self, core] = current();
      return core->memory_op(self, "fork", [=](agent_journal& j, memory_done done) mutable {
        core->fork_into(self, j, name, {std::move(who), std::move(why)}, std::move(done));
      });
    },
  };
}

void agent_core::fork_into(caf::scheduled_actor* self, agent_journal& j, const std::string& name,
                           memory_request why, memory_done done) {
  if (auto id = make_agent_id(cfg_.domain(), name, cfg_.version()); !id)
    return done(std::move(id.error()));
  j.fork(self, journal_key(cfg_.domain(), name), std::move(why), std::move(done));
}

caf::result<uint64_t> agent_core::memory_op(caf::scheduled_actor* self, const char* what,
                                            memory_fn fn) {
  auto* j = journal();
  if (j == nullptr)
    return caf::make_error(agent_errc::no_journal,
                           cfg_.qualified_name() + " keeps no journal: cannot " + what);
  auto rp = self->make_response_promise<uint64_t>();
  fn(*j, [this, rp, what = std::string{what}](caf::expected<uint64_t> x) mutable {
    if (x) {
      rp.deliver(*x);
      return;
    }
    note_error(what + " failed: " + caf::to_string(x.error()));
    rp.deliver(std::move(x.error()));
  });
  return rp;
}

caf::error agent_core::transition(caf::scheduled_actor* self, lifecycle_state to,
                                  std::string reason) {
  auto from = lifecycle_.state();
  if (auto err = lifecycle_.transition(to, now_ns(self), reason))
    return err;
  meter_.state.store(static_cast<uint8_t>(to), std::memory_order_relaxed);
  agent_meters::instance().count_transition(to);
  if (auto* j = journal())
    j->record_transition(from, to, reason);
  return {};
}

} // namespace smith::agent
