// The registry's wire codec: round trips, refused input, error mapping and JSON rendering.
#include <doctest/doctest.h>

#include <google/protobuf/util/json_util.h>

#include "runtime/agent/agent_errc.hpp"
#include "runtime/registry/record_codec.hpp"
#include "runtime/registry/registry_errc.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;
using namespace smith::registry;

namespace {

// wall = monotonic + offset: 5.25 s on the actor clock is 2023-11-14T22:13:20.500Z.
constexpr int64_t offset = 1'700'000'000'000'000'000 - 4'750'000'000;
constexpr int64_t t_registered = 4'750'000'000 + 500'000'000;
constexpr int64_t t_beat = 9'000'000'001;

agent_record sample(caf::actor handle = {}) {
  agent_record r;
  r.id = {"examples", "summarizer-1", "6f1c8d1e-8a53-4b61-9c1e-2f0f3a4b5c6d", "1.4.2"};
  r.handle = std::move(handle);
  r.capabilities = {{"summarize", "", {{"lang", "en"}}}, {"translate", "2.0.0-rc.1", {}}};
  r.state = agent::lifecycle_state::draining;
  r.health_ = health::degraded;
  r.load = {3, 7};
  r.node = "node-1";
  r.registered_ns = t_registered;
  r.last_beat_ns = t_beat;
  r.heartbeats = true;
  r.agent_type = "summarizer";
  return r;
}

void check_same(const agent_record& x, const agent_record& y) {
  CHECK(x.id == y.id);
  REQUIRE(x.capabilities.size() == y.capabilities.size());
  for (size_t i = 0; i < x.capabilities.size(); ++i) {
    CHECK(x.capabilities[i].name == y.capabilities[i].name);
    CHECK(x.capabilities[i].version == y.capabilities[i].version);
    CHECK(x.capabilities[i].metadata == y.capabilities[i].metadata);
  }
  CHECK(x.state == y.state);
  CHECK(x.health_ == y.health_);
  CHECK(x.load.mailbox_depth == y.load.mailbox_depth);
  CHECK(x.load.in_flight == y.load.in_flight);
  CHECK(x.node == y.node);
  CHECK(x.registered_ns == y.registered_ns);
  CHECK(x.last_beat_ns == y.last_beat_ns);
  CHECK(x.heartbeats == y.heartbeats);
  CHECK(x.agent_type == y.agent_type);
}

// The error's single context string ("" if it has none).
std::string text(const caf::error& err) {
  auto& ctx = err.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : std::string{};
}

template <class T>
void check_fails(const caf::expected<T>& x, const caf::error& code, const std::string& needle) {
  REQUIRE_FALSE(x);
  CHECK(x.error() == code);
  CHECK_MESSAGE(text(x.error()).find(needle) != std::string::npos, text(x.error()));
}

} // namespace

TEST_CASE("agent ids round trip and invalid parts are refused naming the field") {
  auto id = sample().id;
  auto back = from_proto(to_proto(id));
  REQUIRE(back);
  CHECK(*back == id);
  auto pb = to_proto(id);
  pb.set_domain("ex.amples");
  check_fails(from_proto(pb), registry_errc::invalid_name, "AgentId.domain 'ex.amples'");
  pb = to_proto(id);
  pb.set_instance("");
  check_fails(from_proto(pb), registry_errc::invalid_name, "AgentId.instance");
  pb = to_proto(id);
  pb.set_version("v1.2");
  check_fails(from_proto(pb), registry_errc::invalid_version, "AgentId.version 'v1.2'");
}

TEST_CASE("every lifecycle state and health round trips, UNSPECIFIED is refused") {
  for (int i = 1; i <= 7; ++i) {
    auto st = static_cast<agent::lifecycle_state>(i);
    CHECK(to_proto(st) == i);
    auto back = from_proto(to_proto(st));
    REQUIRE(back);
    CHECK(*back == st);
  }
  for (auto h : {health::healthy, health::degraded, health::down}) {
    auto back = from_proto(to_proto(h));
    REQUIRE(back);
    CHECK(*back == h);
  }
  CHECK(to_proto(health::down) == v1::HEALTH_DOWN);
  check_fails(from_proto(agent::v1::LIFECYCLE_STATE_UNSPECIFIED), caf::sec::invalid_argument,
              "state is LIFECYCLE_STATE_UNSPECIFIED");
  check_fails(from_proto(v1::HEALTH_UNSPECIFIED), caf::sec::invalid_argument,
              "health is HEALTH_UNSPECIFIED");
}

TEST_CASE("capabilities and loads round trip, invalid capability names are refused") {
  for (auto& c : sample().capabilities) {
    auto back = from_proto(to_proto(c));
    REQUIRE(back);
    CHECK(back->name == c.name);
    CHECK(back->version == c.version);
    CHECK(back->metadata == c.metadata);
  }
  auto load = from_proto(to_proto(load_info{12, 34}));
  CHECK(load.mailbox_depth == 12);
  CHECK(load.in_flight == 34);
  check_fails(from_proto(to_proto(capability_info{"sum.marize", "", {}})),
              registry_errc::invalid_name, "Capability.name 'sum.marize' contains '.'");
  check_fails(from_proto(to_proto(capability_info{"sum", "1.0", {}})),
              registry_errc::invalid_version, "Capability.version of sum '1.0'");
}

TEST_CASE("records round trip with wall-clock timestamps and a process-local address") {
  test::test_system ts;
  // One spawn argument: CAF 0.17 dereferences a null tuple for argument-less function actors.
  auto actor = ts.sys().spawn([](int) -> caf::behavior { return {[](int) {}}; }, 0);
  auto rec = sample(actor);
  auto pb = to_proto(rec, offset);
  CHECK(pb.registered_at().seconds() == 1'700'000'000);
  CHECK(pb.registered_at().nanos() == 500'000'000);
  CHECK(pb.address().local().node() == "node-1");
  CHECK(pb.address().local().handle() == to_string(actor.address()));
  CHECK_FALSE(pb.address().local().handle().empty());
  auto back = from_proto(pb, offset);
  REQUIRE(back);
  check_same(*back, rec);
  CHECK_FALSE(back->handle); // in-process handles do not travel
  caf::anon_send_exit(actor, caf::exit_reason::kill);
}

TEST_CASE("unset times stay unset and a registrant may leave health unspecified") {
  auto rec = sample();
  rec.registered_ns = rec.last_beat_ns = 0;
  auto pb = to_proto(rec, offset);
  CHECK_FALSE(pb.has_registered_at());
  CHECK_FALSE(pb.has_last_heartbeat());
  CHECK(pb.address().local().handle().empty());
  pb.set_health(v1::HEALTH_UNSPECIFIED);
  auto back = from_proto(pb, offset);
  REQUIRE(back);
  CHECK(back->registered_ns == 0);
  CHECK(back->health_ == health::healthy);
}

TEST_CASE("a record with an out-of-range enum or timestamp fails naming the field") {
  auto pb = to_proto(sample(), offset);
  pb.set_state(static_cast<agent::v1::LifecycleState>(42));
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument,
              "AgentRecord.state has unknown value 42");
  pb = to_proto(sample(), offset);
  pb.set_health(static_cast<v1::Health>(9));
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument,
              "AgentRecord.health has unknown value 9");
  pb = to_proto(sample(), offset);
  pb.mutable_last_heartbeat()->set_nanos(-1);
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument, "AgentRecord.last_heartbeat");
  pb = to_proto(sample(), offset);
  pb.mutable_registered_at()->set_seconds(200'000'000'000); // year 8307: overflows int64 ns
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument, "AgentRecord.registered_at");
  pb.clear_id();
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument, "AgentRecord.id is missing");
}

TEST_CASE("an agent type name is optional, and when set must be a subject token") {
  auto rec = sample();
  rec.agent_type.clear();
  auto back = from_proto(to_proto(rec, offset), offset);
  REQUIRE(back);
  CHECK(back->agent_type.empty());
  auto pb = to_proto(sample(), offset);
  pb.set_agent_type("sum.marizer");
  check_fails(from_proto(pb, offset), registry_errc::invalid_name,
              "AgentRecord.agent_type 'sum.marizer'");
}

TEST_CASE("discover queries and results round trip") {
  discover_query q{"summarize", "^1.2 || >=2.0.0-rc.1", {{"lang", "en"}}, 25, true};
  auto back = from_proto(to_proto(q));
  REQUIRE(back);
  CHECK(back->capability == q.capability);
  CHECK(back->version_range == q.version_range);
  CHECK(back->metadata == q.metadata);
  CHECK(back->limit == 25);
  CHECK(back->include_unhealthy);
  q.capability = "";
  check_fails(from_proto(to_proto(q)), registry_errc::invalid_name, "DiscoverRequest.capability");
  discover_result res{{sample(), sample()}, 9};
  res.records[1].id.name = "summarizer-2";
  auto got = from_proto(to_proto(res, offset), offset);
  REQUIRE(got);
  CHECK(got->total == 9);
  REQUIRE(got->records.size() == 2);
  check_same(got->records[1], res.records[1]);
}

TEST_CASE("filters round trip through ListRequest and WatchRequest") {
  record_filter any;
  auto pb = to_proto(any);
  CHECK(pb.state() == agent::v1::LIFECYCLE_STATE_UNSPECIFIED);
  CHECK(pb.health() == v1::HEALTH_UNSPECIFIED);
  record_filter f{"examples", "summarize", "node-2", agent::lifecycle_state::active,
                  health::down};
  auto back = from_proto(to_watch_request(f));
  REQUIRE(back);
  CHECK(back->domain == "examples");
  CHECK(back->capability == "summarize");
  CHECK(back->node == "node-2");
  CHECK(back->state == agent::lifecycle_state::active);
  CHECK(back->health_ == health::down);
  auto all = from_proto(v1::WatchRequest{});
  REQUIRE(all);
  CHECK(all->state == any_state);
  CHECK(all->health_ == any_health);
  pb.set_node("node 2");
  check_fails(from_proto(pb), registry_errc::invalid_name, "ListRequest.node 'node 2'");
  pb.set_node("");
  pb.set_state(static_cast<agent::v1::LifecycleState>(8));
  check_fails(from_proto(pb), caf::sec::invalid_argument, "ListRequest.state has unknown value 8");
}

TEST_CASE("watch events round trip with only the previous value their kind defines") {
  for (auto kind : {watch_kind::registered, watch_kind::deregistered, watch_kind::health_changed,
                    watch_kind::updated}) {
    CAPTURE(static_cast<int>(kind));
    watch_event ev{kind, sample(), health::degraded, any_state, 41, 38, "reg-uuid"};
    if (kind == watch_kind::health_changed)
      ev.previous_health = health::healthy;
    if (kind == watch_kind::updated)
      ev.previous_state = agent::lifecycle_state::active;
    auto pb = to_proto(ev, offset);
    CHECK((pb.previous_health() != v1::HEALTH_UNSPECIFIED) == (kind == watch_kind::health_changed));
    CHECK((pb.previous_state() != agent::v1::LIFECYCLE_STATE_UNSPECIFIED)
          == (kind == watch_kind::updated));
    auto back = from_proto(pb, offset);
    REQUIRE(back);
    CHECK(back->kind == kind);
    check_same(back->record, ev.record);
    CHECK(back->previous_health == ev.previous_health);
    CHECK(back->previous_state == ev.previous_state);
    CHECK(back->sequence == 41);
    CHECK(back->previous_sequence == 38);
    CHECK(back->registry_instance == "reg-uuid");
  }
  auto pb = to_proto(watch_event{watch_kind::updated, sample(), health::degraded,
                                 agent::lifecycle_state::active, 1, 0, "r"},
                     offset);
  pb.set_kind(static_cast<v1::WatchEventKind>(17));
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument, "WatchEvent.kind");
  pb.set_kind(v1::WATCH_EVENT_KIND_UPDATED);
  pb.set_previous_state(agent::v1::LIFECYCLE_STATE_UNSPECIFIED);
  check_fails(from_proto(pb, offset), caf::sec::invalid_argument, "WatchEvent.previous_state");
}

TEST_CASE("watch acks round trip with the snapshot sorted by domain, name and instance") {
  watch_ack ack{12, "reg-uuid", {sample(), sample(), sample()}};
  ack.snapshot[0].id.name = std::string{"z"}; // not "z": GCC 12 -Wrestrict false positive
  ack.snapshot[1].id.domain = "alpha";
  auto pb = to_proto(ack, offset);
  CHECK(pb.snapshot().sequence() == 12);
  CHECK(pb.snapshot().registry_instance() == "reg-uuid");
  auto back = from_proto(pb, offset);
  REQUIRE(back);
  CHECK(back->sequence == 12);
  CHECK(back->registry_instance == "reg-uuid");
  REQUIRE(back->snapshot.size() == 3);
  check_same(back->snapshot[0], ack.snapshot[1]);
  check_same(back->snapshot[1], ack.snapshot[2]);
  check_same(back->snapshot[2], ack.snapshot[0]);
  check_fails(from_proto(v1::WatchResponse{}, offset), caf::sec::invalid_argument,
              "WatchResponse.snapshot is missing");
}

TEST_CASE("errors map to registry error codes and back, keeping the message") {
  using c = v1::RegistryErrorCode;
  std::vector<std::pair<registry_errc, c>> codes{
    {registry_errc::invalid_name, v1::REGISTRY_ERROR_CODE_INVALID_NAME},
    {registry_errc::invalid_version, v1::REGISTRY_ERROR_CODE_INVALID_VERSION},
    {registry_errc::invalid_range, v1::REGISTRY_ERROR_CODE_INVALID_RANGE},
    {registry_errc::duplicate_instance, v1::REGISTRY_ERROR_CODE_DUPLICATE_INSTANCE},
    {registry_errc::unknown_agent, v1::REGISTRY_ERROR_CODE_UNKNOWN_AGENT},
    {registry_errc::limit_exceeded, v1::REGISTRY_ERROR_CODE_LIMIT_EXCEEDED},
    {registry_errc::no_candidate, v1::REGISTRY_ERROR_CODE_NO_CANDIDATE}};
  for (auto [native, wire] : codes) {
    auto pb = to_proto(caf::make_error(native, "what and where"));
    CHECK(pb.code() == wire);
    CHECK(pb.message() == "what and where");
    auto back = from_proto(pb);
    CHECK(back == native);
    CHECK(text(back) == "what and where");
  }
  CHECK(to_proto(caf::make_error(agent::agent_errc::invalid_name, "x")).code()
        == v1::REGISTRY_ERROR_CODE_INVALID_NAME);
  CHECK(to_proto(caf::make_error(agent::agent_errc::invalid_version, "x")).code()
        == v1::REGISTRY_ERROR_CODE_INVALID_VERSION);
  auto arg = to_proto(caf::make_error(caf::sec::invalid_argument, "AgentRecord.id is missing"));
  CHECK(arg.code() == v1::REGISTRY_ERROR_CODE_INVALID_ARGUMENT);
  CHECK(from_proto(arg) == caf::sec::invalid_argument);
  auto other = to_proto(caf::make_error(caf::sec::request_timeout));
  CHECK(other.code() == v1::REGISTRY_ERROR_CODE_INTERNAL);
  CHECK(other.message() == "system request_timeout");
  auto agt = to_proto(caf::make_error(agent::agent_errc::overloaded, "mailbox full"));
  CHECK(agt.code() == v1::REGISTRY_ERROR_CODE_INTERNAL);
  CHECK(agt.message() == "smith_agt overloaded: mailbox full");
  CHECK(to_proto(caf::error{}).code() == v1::REGISTRY_ERROR_CODE_UNSPECIFIED);
  v1::RegistryError unknown;
  unknown.set_code(static_cast<c>(77));
  unknown.set_message("future");
  CHECK(from_proto(unknown) == caf::sec::runtime_error);
  CHECK(text(from_proto(unknown)) == "unknown registry error code 77: future");
}

TEST_CASE("an encoded record renders as JSON a non-C++ client can read") {
  std::string json;
  REQUIRE(google::protobuf::util::MessageToJsonString(to_proto(sample(), offset), &json).ok());
  for (std::string want : {R"("id":{"domain":"examples","name":"summarizer-1")",
                    R"("instance":"6f1c8d1e-8a53-4b61-9c1e-2f0f3a4b5c6d","version":"1.4.2"})",
                    R"("address":{"local":{"node":"node-1"}})",
                    R"({"name":"summarize","metadata":{"lang":"en"}})",
                    R"("state":"LIFECYCLE_STATE_DRAINING")", R"("health":"HEALTH_DEGRADED")",
                    R"("load":{"mailboxDepth":"3","inFlight":"7"})",
                    R"("registeredAt":"2023-11-14T22:13:20.500Z")",
                    R"("lastHeartbeat":"2023-11-14T22:13:24.250000001Z")", R"("heartbeats":true)",
                    R"("agentType":"summarizer")"})
    CHECK_MESSAGE(json.find(want) != std::string::npos, want, " not in ", json);
  v1::AgentRecord parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  auto back = from_proto(parsed, offset);
  REQUIRE(back);
  check_same(*back, sample());
}

TEST_CASE("wall_clock_offset is the wall time minus the monotonic time in nanoseconds") {
  using namespace std::chrono;
  system_clock::time_point wall{seconds{1'700'000'000}};
  steady_clock::time_point mono{milliseconds{1500}};
  CHECK(wall_clock_offset(wall, mono) == 1'700'000'000'000'000'000 - 1'500'000'000);
}
