// Names of persistence error codes.
#include "runtime/persistence/persistence_errc.hpp"

#include "runtime/core/errc_render.hpp"

namespace smith::persistence {

std::string to_string(persistence_errc x) {
  switch (x) {
    case persistence_errc::none: return "none";
    case persistence_errc::invalid_argument: return "invalid_argument";
    case persistence_errc::queue_full: return "queue_full";
    case persistence_errc::closed: return "closed";
    case persistence_errc::bad_snapshot: return "bad_snapshot";
    case persistence_errc::bad_record: return "bad_record";
    case persistence_errc::unknown_checkpoint: return "unknown_checkpoint";
  }
  return "unknown";
}

std::string render_persistence_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return render_errc<persistence_errc>(code, ctx);
}

caf::error closed_error() {
  return caf::make_error(persistence_errc::closed, std::string{"event store is closed"});
}

caf::error invalid_argument_error(std::string what) {
  return caf::make_error(persistence_errc::invalid_argument, std::move(what));
}

} // namespace smith::persistence
