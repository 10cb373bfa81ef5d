// The kv agent (detached: it owns a blocking RocksDB store), its endpoints and the domain.
#include "domains/kv/kv_domain.hpp"

#include <optional>

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "domains/kv/kv_settings.hpp"
#include "runtime/agent/agent_type.hpp"

namespace smith::kv {

namespace {

struct kv_state {
  std::optional<kv_store> db;
  kv_options opts;
};

using kv_self = agent::agent_actor<kv_iface, kv_state>;

std::string render(caf::actor_system& sys, const caf::error& err) {
  auto& ctx = err.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : sys.render(err);
}

/// Schedules the next sweep step after `delay`; high priority: maintenance is not user work
/// (never refused by a full mailbox, a suspension or a drain, so the chain never breaks).
void schedule_sweep(kv_self* self, std::chrono::milliseconds delay) {
  self->template delayed_send<caf::message_priority::high>(caf::actor_cast<kv_actor>(self), delay,
                                                           sweep_tick_atom::value);
}

/// One sweep step; when it stopped at its batch size, the next step follows at once.
void sweep_step(kv_self* self) {
  auto& st = self->state;
  auto n = st.db->sweep(st.opts.sweep_batch);
  if (!n)
    spdlog::warn("kv agent {}: expiry sweep failed: {}", self->config().name(),
                 render(self->system(), n.error()));
  schedule_sweep(self, n && n->more ? std::chrono::milliseconds{0} : st.opts.sweep_interval);
}

/// Sweeps until nothing expired is left; the total deleted.
caf::result<uint64_t> sweep_all(kv_self* self) {
  uint64_t total = 0;
  for (;;) {
    auto n = self->state.db->sweep(self->state.opts.sweep_batch);
    if (!n)
      return std::move(n.error());
    total += n->removed;
    if (!n->more)
      return total;
  }
}

/// Opens the store named by the agent's settings (on the agent's own thread).
caf::error open_store(kv_self* self, const kv_clock& clock) {
  auto& cfg = self->config();
  auto opts = kv_options_from(cfg.settings(), cfg.name());
  if (!opts)
    return std::move(opts.error());
  auto db = kv_store::open(opts->storage, opts->limits, clock);
  if (!db)
    return std::move(db.error());
  self->state.opts = std::move(*opts);
  self->state.db.emplace(std::move(*db));
  schedule_sweep(self, self->state.opts.sweep_interval);
  return {};
}

/// Closes the store before the agent's exit is reported, so that a restarted incarnation can
/// open the same directory (RocksDB's lock) as soon as its supervisor starts it.
void close_store(kv_self* self) {
  if (!self->state.db)
    return;
  if (auto err = self->state.db->close())
    spdlog::warn("kv agent {}: closing the store failed: {}", self->config().name(),
                 render(self->system(), err));
  self->state.db.reset();
}

kv_iface::behavior_type kv_impl(kv_self* self) {
  return {
    [=](store_atom, const v1::Store& req) { return self->state.db->store(req); },
    [=](retrieve_atom, const v1::Retrieve& req) { return self->state.db->retrieve(req); },
    [=](query_atom, const v1::Query& req) { return self->state.db->query(req); },
    [=](sweep_atom) { return sweep_all(self); },
    [=](sweep_tick_atom) { sweep_step(self); },
  };
}

} // namespace

agent::endpoint_table kv_endpoints() {
  using agent::make_endpoint;
  return {{
    make_endpoint<v1::Store, v1::StoreReply>(
      "store", [](const v1::Store& r) { return std::make_tuple(store_atom::value, r); },
      [](const v1::StoreReply& r) { return r; }),
    make_endpoint<v1::Retrieve, v1::RetrieveReply>(
      "retrieve", [](const v1::Retrieve& r) { return std::make_tuple(retrieve_atom::value, r); },
      [](const v1::RetrieveReply& r) { return r; }),
    make_endpoint<v1::Query, v1::QueryReply>(
      "query", [](const v1::Query& r) { return std::make_tuple(query_atom::value, r); },
      [](const v1::QueryReply& r) { return r; }),
  }};
}

agent::agent_type kv_type(kv_clock clock) {
  kv_self::hooks_type hooks;
  hooks.on_start = [clock](kv_self* self) { return open_store(self, clock); };
  hooks.on_stop = close_store;
  kv_self::behavior_fn fn = kv_impl;
  // Not make_agent_type: the agent must run detached (blocking RocksDB calls).
  auto spawn = [fn, hooks](caf::actor_system& sys, agent::agent_instance cfg) {
    return caf::actor_cast<caf::actor>(
      sys.spawn<kv_self, caf::detached>(std::move(cfg), fn, hooks));
  };
  return {"kv", kv_version, {{"kv", kv_version, {}}}, std::move(spawn),
          std::make_shared<const agent::endpoint_table>(kv_endpoints())};
}

domain::domain_descriptor kv_domain(kv_clock clock) {
  domain::domain_descriptor d;
  d.name = "kv";
  d.version = kv_version;
  d.agents.push_back(kv_type(std::move(clock)));
  domain::pool_defaults pool;
  pool.agent = "kv";
  pool.instances = 1;
  d.default_pools.push_back(pool);
  d.schema = kv_schema();
  return d;
}

} // namespace smith::kv
