// Parts of render_metrics shared between its files (internal to actors/node).
#pragma once

#include "actors/node/node_metrics.hpp"
#include "runtime/metrics/prom_writer.hpp"

namespace smith::actors {

/// The bridge's and the registry's metrics, asked of them (node_metrics_actors.cpp), and
/// smith_metrics_source_up for both.
void metrics_asked(metrics::prom_writer& w, const metrics_sources& src);

/// RocksDB properties of the event store (families without samples when `store` is null).
void metrics_rocksdb(metrics::prom_writer& w, const persistence::event_store* store);

} // namespace smith::actors
