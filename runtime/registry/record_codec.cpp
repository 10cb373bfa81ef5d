// Record codec: identities, enums, capabilities, loads, records and their timestamps.
#include "runtime/registry/record_codec.hpp"

#include <caf/actor_addr.hpp>
#include <caf/sec.hpp>

#include "runtime/agent/semver.hpp"
#include "runtime/core/token.hpp"
#include "runtime/registry/registry_errc.hpp"

namespace smith::registry {

namespace {

using google::protobuf::Timestamp;

// Native and wire enums share their numbering; these catch a drift on either side.
static_assert(static_cast<int>(agent::lifecycle_state::unregistered)
              == agent::v1::LIFECYCLE_STATE_UNREGISTERED);
static_assert(static_cast<int>(agent::lifecycle_state::terminated)
              == agent::v1::LIFECYCLE_STATE_TERMINATED);
static_assert(agent::v1::LifecycleState_MAX == agent::v1::LIFECYCLE_STATE_TERMINATED);
static_assert(static_cast<int>(health::healthy) == v1::HEALTH_HEALTHY);
static_assert(static_cast<int>(health::down) == v1::HEALTH_DOWN);
static_assert(v1::Health_MAX == v1::HEALTH_DOWN);

constexpr int64_t ns_per_s = 1'000'000'000;
// google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t min_seconds = -62'135'596'800;
constexpr int64_t max_seconds = 253'402'300'799;

caf::error bad_argument(std::string text) {
  return caf::make_error(caf::sec::invalid_argument, std::move(text));
}

caf::error check_token(std::string_view field, const std::string& value) {
  if (auto why = token_error(value))
    return caf::make_error(registry_errc::invalid_name,
                           std::string{field} + " '" + value + "' " + *why);
  return {};
}

caf::error check_version(std::string_view field, const std::string& value) {
  if (agent::parse_semver(value))
    return {};
  return caf::make_error(registry_errc::invalid_version,
                         std::string{field} + " '" + value + "' is not SemVer 2.0");
}

template <class Enum>
caf::error bad_enum(std::string_view field, const std::string& unspecified, Enum x) {
  if (x == 0)
    return bad_argument(std::string{field} + " is " + unspecified + " (a value is required)");
  return bad_argument(std::string{field} + " has unknown value " + std::to_string(x));
}

// Sets `out` to monotonic `ns` + `wall_offset` (callers skip 0, which means "not set").
void set_time(Timestamp* out, int64_t ns, int64_t wall_offset) {
  auto wall = ns + wall_offset;
  auto seconds = wall / ns_per_s;
  auto nanos = wall % ns_per_s;
  if (nanos < 0) { // floor, so that nanos is in [0, 1e9) as Timestamp demands
    seconds -= 1;
    nanos += ns_per_s;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(nanos));
}

caf::expected<int64_t> time_of(bool present, const Timestamp& t, int64_t wall_offset,
                               std::string_view field) {
  if (!present)
    return int64_t{0};
  int64_t wall = 0;
  if (t.seconds() < min_seconds || t.seconds() > max_seconds || t.nanos() < 0
      || t.nanos() >= ns_per_s || __builtin_mul_overflow(t.seconds(), ns_per_s, &wall)
      || __builtin_add_overflow(wall, int64_t{t.nanos()}, &wall)
      || __builtin_sub_overflow(wall, wall_offset, &wall))
    return bad_argument(std::string{field} + " (" + std::to_string(t.seconds()) + " s, "
                        + std::to_string(t.nanos())
                        + " ns) is not a valid Timestamp within the monotonic clock's range");
  return wall;
}

caf::error decode_times(const v1::AgentRecord& x, int64_t wall_offset, agent_record& out) {
  auto registered = time_of(x.has_registered_at(), x.registered_at(), wall_offset,
                            "AgentRecord.registered_at");
  if (!registered)
    return std::move(registered.error());
  auto beat = time_of(x.has_last_heartbeat(), x.last_heartbeat(), wall_offset,
                      "AgentRecord.last_heartbeat");
  if (!beat)
    return std::move(beat.error());
  out.registered_ns = *registered;
  out.last_beat_ns = *beat;
  return {};
}

} // namespace

int64_t wall_clock_offset(std::chrono::system_clock::time_point wall,
                          std::chrono::steady_clock::time_point monotonic) {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  return duration_cast<nanoseconds>(wall.time_since_epoch()).count()
         - duration_cast<nanoseconds>(monotonic.time_since_epoch()).count();
}

agent::v1::AgentId to_proto(const agent::agent_id& x) {
  agent::v1::AgentId out;
  out.set_domain(x.domain);
  out.set_name(x.name);
  out.set_instance(x.instance);
  out.set_version(x.version);
  return out;
}

caf::expected<agent::agent_id> from_proto(const agent::v1::AgentId& x) {
  if (auto err = check_token("AgentId.domain", x.domain()))
    return err;
  if (auto err = check_token("AgentId.name", x.name()))
    return err;
  if (x.instance().empty())
    return caf::make_error(registry_errc::invalid_name,
                           "AgentId.instance of agent " + x.domain() + "/" + x.name()
                             + " must not be empty");
  if (auto err = check_version("AgentId.version", x.version()))
    return err;
  return agent::agent_id{x.domain(), x.name(), x.instance(), x.version()};
}

agent::v1::LifecycleState to_proto(agent::lifecycle_state x) {
  return static_cast<agent::v1::LifecycleState>(x);
}

caf::expected<agent::lifecycle_state> from_proto(agent::v1::LifecycleState x,
                                                 std::string_view field) {
  if (x == agent::v1::LIFECYCLE_STATE_UNSPECIFIED || !agent::v1::LifecycleState_IsValid(x))
    return bad_enum(field, "LIFECYCLE_STATE_UNSPECIFIED", x);
  return static_cast<agent::lifecycle_state>(x);
}

v1::Health to_proto(health x) {
  return static_cast<v1::Health>(x);
}

caf::expected<health> from_proto(v1::Health x, std::string_view field) {
  if (x == v1::HEALTH_UNSPECIFIED || !v1::Health_IsValid(x))
    return bad_enum(field, "HEALTH_UNSPECIFIED", x);
  return static_cast<health>(x);
}

v1::Capability to_proto(const capability_info& x) {
  v1::Capability out;
  out.set_name(x.name);
  out.set_version(x.version);
  out.mutable_metadata()->insert(x.metadata.begin(), x.metadata.end());
  return out;
}

caf::expected<capability_info> from_proto(const v1::Capability& x) {
  if (auto err = check_token("Capability.name", x.name()))
    return err;
  if (!x.version().empty())
    if (auto err = check_version("Capability.version of " + x.name(), x.version()))
      return err;
  return capability_info{x.name(), x.version(), {x.metadata().begin(), x.metadata().end()}};
}

v1::Load to_proto(const load_info& x) {
  v1::Load out;
  out.set_mailbox_depth(x.mailbox_depth);
  out.set_in_flight(x.in_flight);
  return out;
}

load_info from_proto(const v1::Load& x) {
  return load_info{x.mailbox_depth(), x.in_flight()};
}

v1::AgentRecord to_proto(const agent_record& x, int64_t wall_offset) {
  v1::AgentRecord out;
  *out.mutable_id() = to_proto(x.id);
  auto* local = out.mutable_address()->mutable_local();
  local->set_node(x.node);
  local->set_handle(x.handle ? to_string(x.handle.address()) : std::string{});
  for (auto& c : x.capabilities)
    *out.add_capabilities() = to_proto(c);
  out.set_state(to_proto(x.state));
  out.set_health(to_proto(x.health_));
  *out.mutable_load() = to_proto(x.load);
  if (x.registered_ns != 0)
    set_time(out.mutable_registered_at(), x.registered_ns, wall_offset);
  if (x.last_beat_ns != 0)
    set_time(out.mutable_last_heartbeat(), x.last_beat_ns, wall_offset);
  out.set_node(x.node);
  out.set_heartbeats(x.heartbeats);
  out.set_agent_type(x.agent_type);
  return out;
}

caf::expected<agent_record> from_proto(const v1::AgentRecord& x, int64_t wall_offset) {
  if (!x.has_id())
    return bad_argument("AgentRecord.id is missing");
  auto id = from_proto(x.id());
  if (!id)
    return std::move(id.error());
  agent_record out;
  out.id = std::move(*id);
  for (auto& c : x.capabilities()) {
    auto cap = from_proto(c);
    if (!cap)
      return std::move(cap.error());
    out.capabilities.push_back(std::move(*cap));
  }
  auto state = from_proto(x.state(), "AgentRecord.state");
  if (!state)
    return std::move(state.error());
  out.state = *state;
  if (x.health() != v1::HEALTH_UNSPECIFIED) {
    auto h = from_proto(x.health(), "AgentRecord.health");
    if (!h)
      return std::move(h.error());
    out.health_ = *h;
  }
  out.load = from_proto(x.load());
  out.node = x.node();
  out.heartbeats = x.heartbeats();
  if (!x.agent_type().empty())
    if (auto err = check_token("AgentRecord.agent_type", x.agent_type()))
      return err;
  out.agent_type = x.agent_type();
  if (auto err = decode_times(x, wall_offset, out))
    return err;
  return out;
}

int64_t wall_clock_offset_now() {
  return wall_clock_offset(std::chrono::system_clock::now(), std::chrono::steady_clock::now());
}

} // namespace smith::registry
