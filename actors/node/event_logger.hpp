// An actor that writes every supervisor decision to the log as a readable line.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace smith::persistence {
class event_store;
} // namespace smith::persistence

namespace smith::actors {

/// Spawns the logger; pass it as supervisor_options::event_sink. Child exits,
/// failed starts, give-ups and escalations log at warn, everything else at info. With a
/// `store`, every decision is also recorded there (supervision/decision_journal.hpp). A
/// `flush_atom` request is answered once every earlier event is logged.
caf::actor spawn_event_logger(caf::actor_system& sys,
                              std::shared_ptr<persistence::event_store> store = nullptr);

} // namespace smith::actors
