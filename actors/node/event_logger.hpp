// An actor that writes every supervisor decision to the log as a readable line.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

/// Supervisor decisions counted per (supervisor path, event kind name), for /metrics.
/// Thread-safe: the event logger counts, scrapes read; decisions are rare, so a mutex.
class supervision_tally {
public:
  /// Counts one decision of `supervisor` ("root/examples") of kind `kind`
  /// ("child_restarted", ...).
  void count(const std::string& supervisor, const std::string& kind);
  /// Every count so far, sorted by supervisor then kind.
  std::map<std::pair<std::string, std::string>, uint64_t> counts() const;

private:
  mutable std::mutex mtx_;
  std::map<std::pair<std::string, std::string>, uint64_t> counts_;
};

/// Spawns the logger; pass it as supervisor_options::event_sink. Child exits,
/// failed starts, give-ups and escalations log at warn, everything else at info. With a
/// `store`, every decision is also recorded there (supervision/decision_journal.hpp); with a
/// `tally`, counted there. A `flush_atom` request is answered once every earlier event is
/// logged.
caf::actor spawn_event_logger(caf::actor_system& sys,
                              std::shared_ptr<persistence::event_store> store = nullptr,
                              std::shared_ptr<supervision_tally> tally = nullptr);

} // namespace smith::actors
