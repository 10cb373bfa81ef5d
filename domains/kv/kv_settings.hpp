// The kv agent's settings ([[domain.pool]] settings of the kv domain), parsed and checked.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "domains/kv/kv_store.hpp"
#include "runtime/domain/domain_descriptor.hpp"
#include "runtime/storage/store_options.hpp"

namespace smith::kv {

/// Everything a kv agent is started with besides its identity.
struct kv_options {
  /// Where and how the database opens (path, durability, compression).
  storage::store_options storage;
  kv_limits limits;
  /// Period of the expiry sweep.
  std::chrono::milliseconds sweep_interval{1000};
  /// Most expired entries one sweep step deletes (the next step follows at once when full).
  size_t sweep_batch = 1000;
};

/// Reads the settings of agent `agent_name`: `path` (the database directory; default
/// `{data_dir}/kv/{agent_name}`), `data_dir` (the node's data dir, set by the tree builder),
/// `max_key_bytes` (1..65536, default 1024), `max_value_bytes` (1..64 MiB, default 1 MiB),
/// `max_query_limit` (1..100000, default 1000), `default_query_limit` (1..max_query_limit,
/// default 100), `sweep_interval_ms` (1..86400000, default 1000), `sweep_batch`
/// (1..1000000, default 1000) and `storage.*` (runtime/storage/store_options.hpp).
/// Errors: caf::sec::invalid_argument naming the agent, the key and the bad value, or a
/// storage_errc for a bad `storage.*` value.
caf::expected<kv_options> kv_options_from(const std::map<std::string, std::string>& settings,
                                          const std::string& agent_name);

/// The settings schema of the kv domain's pools (the keys above).
std::vector<domain::setting_schema> kv_schema();

} // namespace smith::kv
