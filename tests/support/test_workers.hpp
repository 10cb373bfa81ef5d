// Plain CAF workers and child specs for supervision tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "runtime/supervision/supervisor.hpp"
#include "tests/support/test_system.hpp"

namespace smith::test {

using crash_atom = caf::atom_constant<caf::atom("crash")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

/// Shared record of starts, "id#incarnation" in start order.
using start_log = std::shared_ptr<std::vector<std::string>>;

inline start_log make_log() { return std::make_shared<std::vector<std::string>>(); }

/// crash -> exits with runtime_error; stop -> exits normal; ping -> incarnation.
inline caf::behavior test_worker(caf::event_based_actor* self, uint64_t incarnation,
                                 bool ignore_shutdown) {
  if (ignore_shutdown)
    self->set_exit_handler([](caf::exit_msg&) { /* deliberately deaf */ });
  return {
    [=](crash_atom) { self->quit(caf::sec::runtime_error); },
    [=](stop_atom) { self->quit(); },
    [=](ping_atom) { return incarnation; },
  };
}

/// A worker child spec whose starts are appended to `log`.
inline supervision::child_spec worker(std::string id, start_log log,
                                      supervision::restart_type restart
                                      = supervision::restart_type::permanent,
                                      bool ignore_shutdown = false) {
  supervision::child_spec cs;
  cs.id = id;
  cs.restart = restart;
  cs.start = [log, ignore_shutdown](const supervision::start_context& ctx)
    -> caf::expected<caf::actor> {
    log->push_back(ctx.id + "#" + std::to_string(ctx.incarnation));
    return ctx.system.spawn(test_worker, ctx.incarnation, ignore_shutdown);
  };
  return cs;
}

/// Current handle of child `id` of `sup`, or an invalid handle.
template <class Sup>
caf::actor child_of(test_system& ts, const Sup& sup, const std::string& id) {
  auto res = ts.request<caf::actor>(sup, get_child_atom::value, id);
  return res ? *res : caf::actor{};
}

/// Incarnation of every child, in start order.
template <class Sup>
std::vector<uint64_t> incarnations(test_system& ts, const Sup& sup) {
  std::vector<uint64_t> out;
  auto res = ts.request<std::vector<supervision::child_info>>(sup, which_children_atom::value);
  if (res)
    for (auto& c : *res)
      out.push_back(c.incarnation);
  return out;
}

/// Crashes child `id` of `sup` and runs the system until idle.
template <class Sup>
void crash(test_system& ts, const Sup& sup, const std::string& id) {
  auto c = child_of(ts, sup, id);
  if (c)
    caf::anon_send(c, crash_atom::value);
  ts.run();
}

/// Monitors `hdl` from a dedicated actor and records its exit reason.
struct exit_watch {
  std::shared_ptr<std::optional<caf::error>> reason = std::make_shared<std::optional<caf::error>>();
  caf::actor watcher;
  template <class Handle>
  exit_watch(test_system& ts, const Handle& hdl) {
    auto r = reason;
    // Keep a strong reference: CAF destroys actors nobody refers to.
    // hdl travels as a spawn argument: CAF 0.17 spawns of argument-less
    // function actors dereference a null tuple (UBSan).
    watcher = ts.sys().spawn([r](caf::event_based_actor* self, Handle hdl) -> caf::behavior {
      self->monitor(hdl);
      self->set_down_handler([=](caf::down_msg& dm) {
        *r = dm.reason;
        self->quit();
      });
      return {[](int) {}};
    }, hdl);
    ts.run();
  }
  bool down() const { return reason->has_value(); }
};

} // namespace smith::test
