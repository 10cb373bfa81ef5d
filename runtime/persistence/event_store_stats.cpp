// RocksDB properties of the event store, for /metrics.
#include "runtime/persistence/event_db.hpp"
#include "runtime/persistence/event_store.hpp"

namespace smith::persistence {

std::optional<uint64_t> event_store::int_property(const std::string& name) const {
  if (!db_)
    return std::nullopt;
  auto read = db_->read_lock();
  if (!db_->db)
    return std::nullopt;
  uint64_t value = 0;
  if (!db_->db->GetAggregatedIntProperty(name, &value))
    return std::nullopt;
  return value;
}

} // namespace smith::persistence
