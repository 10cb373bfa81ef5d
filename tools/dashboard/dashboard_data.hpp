// The dashboard's data: one JSON snapshot of the whole cluster, gathered from the admin services.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace smith::nats {
class connection;
} // namespace smith::nats

namespace smith::ctl {
class client;
} // namespace smith::ctl

namespace smith::dashboard {

/// Asks every node's admin service (smith.admin.*, the wire smithctl uses) for what the
/// dashboard shows. Thread-safe: snapshots are taken one at a time, and a snapshot younger
/// than `max_age` is served again instead of asking the cluster once more (several browser
/// tabs cost the cluster one round of requests per `max_age`).
class cluster_source {
public:
  /// Yields the NATS connection to ask on (typically the node's rpc connection, which exists
  /// only once the node started; null when the node has none). Called on first use.
  using connection_provider = std::function<std::shared_ptr<nats::connection>()>;

  /// Asks over the connection `conn` provides, waiting at most `timeout` for each answer;
  /// `name` names the connection in errors (e.g. the node's name).
  cluster_source(connection_provider conn, std::string name, std::chrono::milliseconds timeout,
                 std::chrono::milliseconds max_age = std::chrono::milliseconds{250});
  ~cluster_source();
  cluster_source(const cluster_source&) = delete;
  cluster_source& operator=(const cluster_source&) = delete;

  /// The cluster now, as one JSON object:
  /// - `sampled_at_ms`: Unix milliseconds of the sample;
  /// - `nodes`: admin NodeInfo of each node that answered smith.admin.ping, by name;
  ///   `silent`: members known to be up that did not answer;
  /// - `trees`: admin Tree of each node (supervisors with strategy and restarts, children
  ///   with status, incarnation and restarts);
  /// - `agents`: the registry's AgentRecord of every agent in the cluster;
  /// - `stats`: admin AgentStats of each node (per agent: state, mailbox depth, messages
  ///   handled by its incarnation, instance id);
  /// - `errors`: {node, verb, code, message} for each question that failed; the other parts
  ///   are still filled (a node that does not answer loses only its own parts).
  /// Protobuf parts are rendered as protobuf JSON with the .proto field names (64-bit
  /// integers as strings). When no node answers at all, or there is no connection yet,
  /// `nodes` is empty and `errors` says so.
  nlohmann::json snapshot();

private:
  /// The client, made on first use; null (and an error in `errors`) without a connection.
  ctl::client* client(nlohmann::json& errors);
  nlohmann::json gather();

  std::mutex mtx_;
  connection_provider conn_;
  std::string name_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<ctl::client> client_; // made on first use

  std::chrono::milliseconds max_age_;
  std::chrono::steady_clock::time_point taken_{};
  nlohmann::json last_;
};

} // namespace smith::dashboard
