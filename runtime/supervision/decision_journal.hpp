// Supervisor decisions kept in the node's event store, so that "why did this agent restart
// five times" still has an answer after the node restarted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/persistence/event_store.hpp"
#include "runtime/supervision/supervisor_event.hpp"

namespace smith::supervision {

/// A supervisor decision as the store keeps it.
struct recorded_decision {
  supervisor_event event;
  /// Wall-clock time of recording (Unix milliseconds): comparable across node restarts,
  /// unlike event.monotonic_ns.
  int64_t unix_ms = 0;
  /// Position in its log.
  uint64_t seq = 0;
};

/// The store key of the decisions about `child` of `supervisor` (empty `child`: decisions
/// about the supervisor as a whole, such as gave_up or escalated).
std::string decision_key(std::string_view supervisor, std::string_view child);

/// Appends `ev`, stamped with the current wall-clock time, without waiting (durability mode
/// group; a failed commit is logged). Returns the store's refusal (queue_full, closed), if any.
caf::error record_decision(persistence::event_store& store, const supervisor_event& ev);

/// Every recorded decision about `child` of `supervisor`, oldest first. Errors: the store's,
/// persistence_errc::bad_record for an entry that does not decode.
caf::expected<std::vector<recorded_decision>>
decisions_of(const persistence::event_store& store, std::string_view supervisor,
             std::string_view child);

} // namespace smith::supervision
