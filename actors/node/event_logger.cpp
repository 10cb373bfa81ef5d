// Supervisor events as log lines.
#include "actors/node/event_logger.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "runtime/core/atoms.hpp"
#include "runtime/supervision/decision_journal.hpp"
#include "runtime/supervision/supervisor_event.hpp"

namespace smith::actors {

namespace {

using supervision::event_kind;
using supervision::supervisor_event;

std::string describe(const supervisor_event& ev) {
  switch (ev.kind) {
    case event_kind::child_started:
      return "started " + ev.child_id;
    case event_kind::start_failed:
      return "failed to start " + ev.child_id + ": " + ev.reason;
    case event_kind::child_exited:
      return ev.child_id + " exited (" + ev.reason + ")";
    case event_kind::child_restarted:
      return "restarted " + ev.child_id + " (incarnation " + std::to_string(ev.incarnation) + ")";
    case event_kind::child_terminated:
      return "stopped " + ev.child_id + " (" + ev.reason + ")";
    case event_kind::gave_up:
      return "gives up on " + ev.child_id + ": " + ev.reason;
    case event_kind::escalated:
      return "escalates to its parent: " + ev.reason;
    case event_kind::auto_shutdown:
      return "auto_shutdown after " + ev.child_id + " ended";
    case event_kind::restart_delayed:
      return "delays restart of " + ev.child_id + ": " + ev.reason;
  }
  return supervision::to_string(ev);
}

bool is_alarming(event_kind k) {
  return k == event_kind::child_exited || k == event_kind::start_failed
         || k == event_kind::gave_up || k == event_kind::escalated;
}

} // namespace

void supervision_tally::count(const std::string& supervisor, const std::string& kind) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++counts_[{supervisor, kind}];
}

std::map<std::pair<std::string, std::string>, uint64_t> supervision_tally::counts() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return counts_;
}

caf::actor spawn_event_logger(caf::actor_system& sys,
                              std::shared_ptr<persistence::event_store> store,
                              std::shared_ptr<supervision_tally> tally) {
  auto impl = [](caf::event_based_actor*, std::shared_ptr<persistence::event_store> store,
                 std::shared_ptr<supervision_tally> tally) -> caf::behavior {
    return {
      // A request answered after every event that arrived before it.
      [](flush_atom) { return caf::ok_atom::value; },
      [store, tally](const supervisor_event& ev) {
        if (tally)
          tally->count(ev.supervisor, supervision::to_string(ev.kind));
        auto level = is_alarming(ev.kind) ? spdlog::level::warn : spdlog::level::info;
        spdlog::log(level, "[{}] {}", ev.supervisor, describe(ev));
        if (store)
          if (auto err = supervision::record_decision(*store, ev))
            spdlog::warn("[{}] decision not recorded: {}", ev.supervisor, caf::to_string(err));
      },
    };
  };
  return sys.spawn(impl, std::move(store), std::move(tally));
}

} // namespace smith::actors
