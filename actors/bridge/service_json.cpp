// ADR-32 response bodies, written with nlohmann::json (header-only; invalid UTF-8 in any
// text, e.g. an agent's error message, is replaced rather than thrown on).
#include "actors/bridge/service_json.hpp"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <limits>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace smith::actors {

namespace {

using json = nlohmann::json;

constexpr const char* ping_type = "io.nats.micro.v1.ping_response";
constexpr const char* info_type = "io.nats.micro.v1.info_response";
constexpr const char* stats_type = "io.nats.micro.v1.stats_response";

json string_map(const std::map<std::string, std::string>& m) {
  auto out = json::object(); // never null: an empty map is {}
  for (auto& [k, v] : m)
    out[k] = v;
  return out;
}

json identity(const service_identity& id, const char* type) {
  json j;
  j["type"] = type;
  j["name"] = id.name;
  j["id"] = id.id;
  j["version"] = id.version;
  j["metadata"] = string_map(id.metadata);
  return j;
}

/// name, subject and (for queue subscriptions only) queue_group.
json endpoint_base(const service_endpoint& ep) {
  json j;
  j["name"] = ep.name;
  j["subject"] = ep.subject;
  if (!ep.queue_group.empty())
    j["queue_group"] = ep.queue_group;
  return j;
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Counters clamped to JSON's signed 64-bit range (ADR-32 nanos and counts are int64).
int64_t clamp(uint64_t v) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(v > max ? max : v);
}

} // namespace

std::string rfc3339(bridge::wall_time t) {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  auto secs = ns / 1'000'000'000;
  auto frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRId64 "Z",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int64_t>(frac));
  return buf;
}

std::string ping_json(const service_identity& id) {
  return dump(identity(id, ping_type));
}

std::string info_json(const service_identity& id, const std::string& description,
                      const std::vector<service_endpoint>& endpoints) {
  auto j = identity(id, info_type);
  j["description"] = description;
  auto eps = json::array();
  for (auto& ep : endpoints) {
    auto e = endpoint_base(ep);
    e["metadata"] = string_map(ep.metadata);
    eps.push_back(std::move(e));
  }
  j["endpoints"] = std::move(eps);
  return dump(j);
}

std::string stats_json(const service_identity& id, bridge::wall_time started,
                       const std::vector<service_endpoint>& endpoints,
                       const std::vector<bridge::endpoint_stat>& stats) {
  std::unordered_map<std::string, const bridge::endpoint_stat*> by_subject;
  for (auto& s : stats)
    by_subject.emplace(s.subject, &s);
  auto j = identity(id, stats_type);
  j["started"] = rfc3339(started);
  auto eps = json::array();
  for (auto& ep : endpoints) {
    auto e = endpoint_base(ep);
    bridge::endpoint_stat none;
    auto it = by_subject.find(ep.subject);
    auto& s = it != by_subject.end() ? *it->second : none;
    auto processing = s.processing_ns < 0 ? int64_t{0} : s.processing_ns;
    e["num_requests"] = clamp(s.requests);
    e["num_errors"] = clamp(s.errors);
    e["last_error"] = s.last_error;
    e["processing_time"] = processing;
    e["average_processing_time"]
      = s.requests == 0 ? int64_t{0} : processing / static_cast<int64_t>(clamp(s.requests));
    eps.push_back(std::move(e));
  }
  j["endpoints"] = std::move(eps);
  return dump(j);
}

} // namespace smith::actors
