// Conversions between the registry's native structs and smith.registry.v1 / smith.agent.v1.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/registry/agent_record.hpp"
#include "smith/registry/v1/registry.pb.h"

// The wire boundary of the registry. Encoding (to_proto) never fails and never validates:
// native values are trusted. Decoding (from_proto) validates everything a native caller relies
// on and fails with the first problem, naming the proto field and the offending value:
// - registry_errc::invalid_name: a domain, agent or capability name (or a set filter name) is
//   not a subject token, or an instance id is empty;
// - registry_errc::invalid_version: an agent or capability version is not SemVer 2.0;
// - caf::sec::invalid_argument (registry_errc has no such code; it maps to
//   REGISTRY_ERROR_CODE_INVALID_ARGUMENT): an enum value this build does not know (proto3 enums
//   are open), an UNSPECIFIED value where one is required, a missing required message, or a
//   Timestamp out of range.
// Version ranges are not parsed here: the registry reports registry_errc::invalid_range.
//
// Time: native *_ns fields are actor-clock (monotonic) nanoseconds, the wire carries wall-clock
// google.protobuf.Timestamp. Functions handling records take `wall_offset` (nanoseconds) with
// wall = monotonic + wall_offset, from wall_clock_offset(). A native 0 means "not set" and is
// encoded as an absent Timestamp (and back), so an unregistered record shows no times.
//
// Addresses: a native record carries a caf::actor, meaningful in this process only. Encoding
// writes AgentAddress.local {node, handle = caf::to_string(handle.address())} ("" when the
// handle is invalid). Decoding always yields an invalid handle: the address is informational
// until the NATS bridge, which resolves local and nats addresses, exists.
//
// All functions are pure and thread-safe.

namespace smith::registry {

/// Returns the `wall_offset` for the other functions: `wall - monotonic` in nanoseconds, for two
/// samples taken together, e.g. `wall_clock_offset(system_clock::now(), self->clock().now())`.
int64_t wall_clock_offset(std::chrono::system_clock::time_point wall,
                          std::chrono::steady_clock::time_point monotonic);

/// wall_clock_offset() of the system and steady clocks sampled now (the clock CAF's
/// actor_clock reads), for code that has no actor clock at hand.
int64_t wall_clock_offset_now();

/// Identity, copied field by field.
agent::v1::AgentId to_proto(const agent::agent_id& x);
/// Errors: invalid_name (domain or name not a subject token, empty instance; the UUID format
/// of instance is not checked), invalid_version (version not SemVer 2.0).
caf::expected<agent::agent_id> from_proto(const agent::v1::AgentId& x);

/// Same value names (`active` -> LIFECYCLE_STATE_ACTIVE). Precondition: x != any_state.
agent::v1::LifecycleState to_proto(agent::lifecycle_state x);
/// Errors: sec::invalid_argument naming `field` for UNSPECIFIED and unknown values.
caf::expected<agent::lifecycle_state> from_proto(agent::v1::LifecycleState x,
                                                 std::string_view field = "state");

/// Same value names (`degraded` -> HEALTH_DEGRADED). Precondition: x != any_health.
v1::Health to_proto(health x);
/// Errors: sec::invalid_argument naming `field` for UNSPECIFIED and unknown values.
caf::expected<health> from_proto(v1::Health x, std::string_view field = "health");

/// Name, version (empty stays empty: "the agent's version") and metadata.
v1::Capability to_proto(const capability_info& x);
/// Errors: invalid_name (name), invalid_version (a non-empty version not SemVer 2.0).
caf::expected<capability_info> from_proto(const v1::Capability& x);

/// Both counters, unchanged.
v1::Load to_proto(const load_info& x);
/// Cannot fail: every pair of counters is valid.
load_info from_proto(const v1::Load& x);

/// Every field; address as described above; registered_ns and last_beat_ns become wall-clock
/// Timestamps. Precondition: x.state and x.health_ are real values (not any_*).
v1::AgentRecord to_proto(const agent_record& x, int64_t wall_offset);
/// Errors: id missing or invalid, capability invalid, state UNSPECIFIED or unknown, health
/// unknown, Timestamps out of range, a non-empty agent_type that is not a subject token
/// (invalid_name). HEALTH_UNSPECIFIED decodes as healthy (a registrant need
/// not set it; the registry overwrites it). Duplicate capability names are left to the
/// registry (invalid_name on register).
caf::expected<agent_record> from_proto(const v1::AgentRecord& x, int64_t wall_offset);

/// Field by field; metadata becomes metadata_filter.
v1::DiscoverRequest to_proto(const discover_query& x);
/// Errors: invalid_name (capability empty or not a subject token). version_range and limit are
/// passed through unchecked (the registry answers invalid_range; no upper limit yet).
caf::expected<discover_query> from_proto(const v1::DiscoverRequest& x);

/// Records in order; total becomes total_matches.
v1::DiscoverResponse to_proto(const discover_result& x, int64_t wall_offset);
/// Errors: those of the records.
caf::expected<discover_result> from_proto(const v1::DiscoverResponse& x, int64_t wall_offset);

/// Filter fields; any_state / any_health become *_UNSPECIFIED.
v1::ListRequest to_proto(const record_filter& x);
/// Errors: invalid_name (a non-empty domain, capability or node not a subject token),
/// sec::invalid_argument (unknown state or health). *_UNSPECIFIED become any_state/any_health.
caf::expected<record_filter> from_proto(const v1::ListRequest& x);

/// A WatchRequest whose filter is to_proto(x).
v1::WatchRequest to_watch_request(const record_filter& x);
/// The filter of `x` (an absent filter matches everything); errors as for ListRequest.
caf::expected<record_filter> from_proto(const v1::WatchRequest& x);

/// A ListResponse with `records` sorted by domain, name, instance (byte-wise, as the contract
/// orders them). sequence and registry_instance stay unset: the native list() does not report
/// them (watch_ack does, see below).
v1::ListResponse to_list_response(const std::vector<agent_record>& records, int64_t wall_offset);

/// WatchResponse whose snapshot carries the records (sorted as above), sequence and
/// registry_instance.
v1::WatchResponse to_proto(const watch_ack& x, int64_t wall_offset);
/// Errors: snapshot missing, or those of the records.
caf::expected<watch_ack> from_proto(const v1::WatchResponse& x, int64_t wall_offset);

/// Every field. previous_health is sent for health_changed only and previous_state for
/// updated only (else *_UNSPECIFIED, as the contract says).
v1::WatchEvent to_proto(const watch_event& x, int64_t wall_offset);
/// Errors: kind UNSPECIFIED or unknown, record missing or invalid, previous_health missing or
/// unknown on HEALTH_CHANGED, previous_state missing or unknown on UPDATED. Otherwise
/// previous_health is the record's health and previous_state any_state (the native rules).
caf::expected<watch_event> from_proto(const v1::WatchEvent& x, int64_t wall_offset);

/// Maps an error to the wire: registry_errc values to the code of the same name,
/// agent_errc::invalid_name / invalid_version to INVALID_NAME / INVALID_VERSION,
/// sec::invalid_argument to INVALID_ARGUMENT, everything else to INTERNAL. The message is the
/// error's context string (what was wrong and where); for INTERNAL it is prefixed with the
/// category and code name. A default-constructed (no) error yields UNSPECIFIED.
v1::RegistryError to_proto(const caf::error& x);
/// The inverse for codes 1..8 (INVALID_ARGUMENT -> sec::invalid_argument); INTERNAL,
/// UNSPECIFIED and unknown codes become sec::runtime_error. The message is the context.
caf::error from_proto(const v1::RegistryError& x);

} // namespace smith::registry
