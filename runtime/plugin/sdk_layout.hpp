// The SDK layout stamp: which layout of the SDK types a plugin's code embeds.
//
// A plugin compiles the SDK's headers into itself: agent_actor<...> holds an agent_core by
// value, the factories build agent_config, agent_type and domain_descriptor, the registry's
// records cross in messages. If the host was built from SDK headers in which one of those
// types has another layout, the plugin's code reads and writes the wrong bytes. The stamp is a
// hash of the size and alignment of each such type, computed by the compiler in the plugin and
// in the host alike; the loader refuses a plugin whose stamp differs from its own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/agent/agent_config.hpp"
#include "runtime/agent/agent_core.hpp"
#include "runtime/agent/agent_id.hpp"
#include "runtime/agent/agent_snapshot.hpp"
#include "runtime/agent/agent_status.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/agent/journal.hpp"
#include "runtime/agent/lifecycle.hpp"
#include "runtime/domain/domain_descriptor.hpp"
#include "runtime/registry/agent_record.hpp"
#include "runtime/supervision/child_spec.hpp"

namespace smith::plugin {

namespace detail {

/// FNV-1a over the 8 bytes of `x`, continuing from `h`.
constexpr uint64_t sdk_layout_mix(uint64_t h, uint64_t x) {
  for (int i = 0; i < 8; ++i) {
    h ^= (x >> (8 * i)) & 0xffu;
    h *= 1099511628211ull;
  }
  return h;
}

template <class... Ts>
constexpr uint64_t sdk_layout_of() {
  uint64_t h = 14695981039346656037ull;
  ((h = sdk_layout_mix(sdk_layout_mix(h, sizeof(Ts)), alignof(Ts))), ...);
  return h;
}

} // namespace detail

/// The SDK layout stamp of the headers this translation unit was compiled with: a hash of
/// sizeof and alignof of every SDK type that plugin code embeds or builds. Equal stamps on both
/// sides of the plugin boundary are required (plugin_errc::sdk_layout_mismatch). A type added
/// to the SDK surface that plugins embed belongs in this list.
constexpr uint64_t sdk_layout_stamp() {
  return detail::sdk_layout_of<
    agent::agent_core, agent::agent_config, agent::agent_instance, agent::agent_profile,
    agent::uuid, agent::agent_id, agent::capability,
    agent::agent_type, agent::instance_options, agent::journal_binding, agent::agent_snapshot,
    agent::agent_status, agent::agent_counters, agent::lifecycle_transition, agent::endpoint,
    agent::endpoint_table, domain::domain_descriptor, domain::pool_defaults,
    domain::setting_schema, registry::agent_record, supervision::child_spec>();
}

} // namespace smith::plugin
