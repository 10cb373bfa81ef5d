// Admin verb `memory`: checkpoint, restore, wipe and fork of an event-sourced agent.
#include <caf/all.hpp>

#include "actors/admin/admin_locate.hpp"
#include "actors/admin/admin_worker.hpp"
#include "runtime/core/atoms.hpp"

namespace smith::actors::admin_impl {

namespace v1 = admin::v1;

namespace {

/// A memory operation answers once it is durable; a sync-mode store under load may take a
/// while, so allow more than the query timeout.
constexpr auto memory_timeout = std::chrono::seconds{30};

caf::expected<uint64_t> run_memory(caf::blocking_actor* self, const located_agent& a,
                                   const v1::MemoryRequest& req) {
  auto& h = a.record.handle;
  switch (req.op()) {
    case v1::MEMORY_OP_CHECKPOINT:
      return ask<uint64_t>(self, h, memory_timeout, checkpoint_atom::value, req.label(),
                           req.who(), req.why());
    case v1::MEMORY_OP_RESTORE:
      if (!req.label().empty())
        return ask<uint64_t>(self, h, memory_timeout, restore_atom::value, req.label(),
                             req.who(), req.why());
      return ask<uint64_t>(self, h, memory_timeout, restore_atom::value, req.seq(), req.who(),
                           req.why());
    case v1::MEMORY_OP_WIPE:
      return ask<uint64_t>(self, h, memory_timeout, wipe_atom::value, req.who(), req.why());
    case v1::MEMORY_OP_FORK: {
      auto seq = ask<uint64_t>(self, h, memory_timeout, fork_atom::value, req.fork_name(),
                               req.who(), req.why());
      if (!seq)
        return seq;
      // The copy's journal is written: start it beside the original, with its spec.
      if (!a.supervisor)
        return caf::make_error(caf::sec::request_receiver_down,
                               "no supervisor found for agent '" + a.record.id.name + "'");
      auto started = ask<caf::actor>(self, a.supervisor, memory_timeout,
                                     clone_child_atom::value, a.record.id.name, req.fork_name());
      if (!started)
        return std::move(started.error());
      return seq;
    }
    default:
      return caf::make_error(caf::sec::invalid_argument, "no memory operation given");
  }
}

} // namespace

admin_reply do_memory(caf::blocking_actor* self, const admin_context& ctx,
                      const v1::MemoryRequest& req) {
  auto fork = req.op() == v1::MEMORY_OP_FORK;
  auto a = locate(self, ctx, req.agent(), fork);
  if (!a)
    return fail<v1::MemoryReply>(self->system(), "memory", a.error());
  auto op = v1::MemoryOp_Name(req.op());
  for (auto& ch : op)
    ch = static_cast<char>(std::tolower(ch));
  auto what = op.substr(op.rfind('_') + 1) + " " + a->record.id.name;
  auto seq = run_memory(self, *a, req);
  if (!seq)
    return fail<v1::MemoryReply>(self->system(), what, seq.error());
  v1::MemoryReply reply;
  auto* done = reply.mutable_done();
  done->mutable_agent()->set_domain(a->record.id.domain);
  done->mutable_agent()->set_name(a->record.id.name);
  done->set_op(req.op());
  done->set_seq(*seq);
  if (fork) {
    done->mutable_forked()->set_domain(a->record.id.domain);
    done->mutable_forked()->set_name(req.fork_name());
  }
  return pack(reply);
}

} // namespace smith::actors::admin_impl
