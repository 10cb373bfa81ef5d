// The node's NATS connections: one for latency-critical request/reply, one for bulk traffic.
#pragma once

#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "runtime/config/node_config.hpp"
#include "runtime/nats/connection.hpp"

namespace smith::bridge {

/// Two connections to the same servers, shared by the bridge and the cluster actors:
/// - `rpc` has SendAsap set: requests and replies leave at once (nats.c otherwise holds a
///   publish for about 1 ms to batch it), at the cost of bulk throughput;
/// - `bulk` batches: casts, broadcasts, heartbeats, registry events.
/// `reply_prefix` is this process's unique inbox prefix for replies to its calls.
struct nats_link {
  std::shared_ptr<nats::connection> rpc;
  std::shared_ptr<nats::connection> bulk;
  std::string reply_prefix;
  /// Largest payload accepted from or sent to an agent ([nats] max_payload).
  size_t max_payload = 512 * 1024;
};

/// Connects both connections for node `node`. Errors: those of nats::connection::connect,
/// or invalid_name if `node` is not a subject token.
caf::expected<std::shared_ptr<nats_link>> open_link(const config::nats_config& cfg,
                                                    const std::string& node);

} // namespace smith::bridge
