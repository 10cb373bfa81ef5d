// The JSON bodies of the NATS services protocol (ADR-32): PING, INFO and STATS replies.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "actors/bridge/service_endpoints.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/wire.hpp"

namespace smith::actors {

/// The fields every ADR-32 response carries.
struct service_identity {
  /// Service kind ("smith"); `A-Z a-z 0-9 - _`.
  std::string name;
  /// Unique id of this service instance (a subject token).
  std::string id;
  /// SemVer of the service.
  std::string version;
  std::map<std::string, std::string> metadata;
};

/// `t` in RFC 3339, UTC, with nanoseconds: "2024-05-01T12:00:00.123456789Z".
std::string rfc3339(bridge::wall_time t);

/// `io.nats.micro.v1.ping_response`.
std::string ping_json(const service_identity& id);

/// `io.nats.micro.v1.info_response`: identity, description and every endpoint (name,
/// subject, queue_group unless empty, metadata).
std::string info_json(const service_identity& id, const std::string& description,
                      const std::vector<service_endpoint>& endpoints);

/// `io.nats.micro.v1.stats_response`: identity, `started` and per endpoint num_requests,
/// num_errors, last_error, processing_time and average_processing_time (nanoseconds,
/// average truncated, 0 without requests). Counters come from the `stats` entry with the
/// endpoint's subject (zeros when there is none).
std::string stats_json(const service_identity& id, bridge::wall_time started,
                       const std::vector<service_endpoint>& endpoints,
                       const std::vector<bridge::endpoint_stat>& stats);

} // namespace smith::actors
