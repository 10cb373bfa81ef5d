// The admin service actor: NATS callbacks post requests here; each runs on a worker thread.
#include "actors/admin/admin_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/admin/admin_worker.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/core/token.hpp"
#include "runtime/nats/connection.hpp"
#include "runtime/domain/domain_catalog.hpp"

namespace smith::actors {

namespace {

using namespace admin_impl;

struct admin_state {
  static inline const char* name = "smith.admin";
  std::shared_ptr<const admin_context> ctx;
  uint32_t workers = 0;
  /// Destroyed with the state when the actor exits: no callback posts to us afterwards.
  std::vector<nats::subscription> subs;
};

using admin_self = admin_actor::stateful_pointer<admin_state>;

void publish(const admin_context& ctx, const std::string& reply, const admin_reply& r) {
  auto hs = bridge::reply_headers(r.type, "", "");
  if (auto err = ctx.opts.link->rpc->publish(reply, "", hs, r.body))
    spdlog::warn("admin: reply to {} ({} bytes) not sent", reply, r.body.size());
}

/// Runs one request on a blocking worker (its own thread) and publishes the answer.
void worker(caf::blocking_actor* self, std::shared_ptr<const admin_context> ctx,
            nats::inbound_msg msg) {
  auto verb = bridge::admin_verb::info;
  if (msg.subject != bridge::admin_ping_subject()) {
    auto target = bridge::parse_admin_subject(msg.subject);
    if (!target || target->node != ctx->opts.node) {
      auto why = target ? "node " + ctx->opts.node + " received " + msg.subject
                        : text_of(self->system(), target.error());
      return publish(*ctx, msg.reply,
                     fail<admin::v1::InfoReply>(admin::v1::ADMIN_ERROR_CODE_BAD_REQUEST,
                                                "admin: " + why));
    }
    verb = target->verb;
  }
  publish(*ctx, msg.reply, handle_admin(self, *ctx, verb, msg.data));
}

void on_request(admin_self self, nats::inbound_msg& msg) {
  auto& st = self->state;
  if (msg.reply.empty()) {
    spdlog::debug("admin: ignored {} without a reply subject", msg.subject);
    return;
  }
  if (st.workers >= st.ctx->opts.max_workers) {
    auto text = "node " + st.ctx->opts.node + " is busy (" + std::to_string(st.workers)
                + " admin requests running)";
    return publish(*st.ctx, msg.reply,
                   fail<admin::v1::InfoReply>(admin::v1::ADMIN_ERROR_CODE_UNAVAILABLE, text));
  }
  ++st.workers;
  auto w = self->spawn<caf::monitored>(worker, st.ctx, std::move(msg));
  (void) w;
}

caf::error subscribe_all(admin_self self) {
  auto& st = self->state;
  auto me = caf::actor_cast<admin_actor>(self);
  auto cb = [me](nats::inbound_msg&& m) {
    caf::anon_send(me, admin_request_atom::value, std::move(m));
  };
  auto own = bridge::admin_wildcard(st.ctx->opts.node);
  if (!own)
    return std::move(own.error());
  for (auto& subject : {bridge::admin_ping_subject(), *own}) {
    auto sub = st.ctx->opts.link->rpc->subscribe(subject, "", cb);
    if (!sub)
      return std::move(sub.error());
    st.subs.push_back(std::move(*sub));
  }
  return st.ctx->opts.link->rpc->flush(std::chrono::seconds{5});
}

admin_actor::behavior_type admin_impl_fn(admin_self self, std::shared_ptr<const admin_context> ctx) {
  self->state.ctx = std::move(ctx);
  self->set_down_handler([=](caf::down_msg&) { --self->state.workers; });
  if (auto err = subscribe_all(self)) {
    spdlog::error("admin: {}", self->system().render(err));
    self->state.subs.clear();
    self->quit(std::move(err));
  }
  return {
    [=](admin_request_atom, nats::inbound_msg& msg) { on_request(self, msg); },
  };
}

caf::error check(const admin_options& o) {
  auto bad = [](std::string text) { return caf::make_error(caf::sec::invalid_argument, text); };
  if (!o.link || !o.link->rpc)
    return bad("admin: no NATS link");
  if (!o.catalog)
    return bad("admin: no domain catalog");
  if (auto why = token_error(o.node))
    return bad("admin: node '" + o.node + "': " + *why);
  return {};
}

} // namespace

caf::expected<admin_actor> spawn_admin(caf::actor_system& sys, admin_options opts,
                                       caf::actor root) {
  if (auto err = check(opts))
    return err;
  auto ctx = std::make_shared<admin_context>();
  ctx->opts = std::move(opts);
  ctx->root = root ? root.address() : caf::actor_addr{};
  ctx->started = ctx->opts.started == std::chrono::system_clock::time_point{}
                   ? std::chrono::system_clock::now()
                   : ctx->opts.started;
  return sys.spawn(admin_impl_fn, std::shared_ptr<const admin_context>{std::move(ctx)});
}

supervision::child_spec admin_child(admin_options opts) {
  if (opts.started == std::chrono::system_clock::time_point{})
    opts.started = std::chrono::system_clock::now();
  supervision::child_spec spec;
  spec.id = "admin";
  spec.start = [opts](const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    auto h = spawn_admin(ctx.system, opts, ctx.supervisor);
    if (!h)
      return std::move(h.error());
    return caf::actor_cast<caf::actor>(*h);
  };
  return spec;
}

} // namespace smith::actors
