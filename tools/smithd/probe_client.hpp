// What the cluster demo asks of its node: calls, broadcasts, the registry view, $SRV.PING.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/cluster/cluster_api.hpp"
#include "runtime/bridge/nats_link.hpp"

namespace smith::tools {

/// Blocking client calls from a tool's main thread through the node's own bridge, registry
/// and NATS link (never from an actor: every call blocks the caller). Not thread-safe.
class probe_client {
public:
  /// `link` is the started node's link (required); `sys` hosts the node.
  probe_client(caf::actor_system& sys, std::shared_ptr<bridge::nats_link> link);

  /// Nodes whose `$SRV.PING.smith` replies (metadata "node") arrive within `window`.
  std::set<std::string> ping_nodes(std::chrono::milliseconds window);

  /// examples/`name`.echo(text) -> the reply's text; wire errors as they came.
  caf::expected<std::string> echo(const std::string& name, const std::string& text,
                                  std::chrono::milliseconds timeout);

  /// examples/`name`.add(n) -> the counter's new value.
  caf::expected<int64_t> add(const std::string& name, int64_t n,
                             std::chrono::milliseconds timeout);

  /// Broadcast examples/_all.echo(text): the text of every reply that arrived before
  /// `window` passed or once `expected` (0 = no limit) replies arrived.
  caf::expected<std::vector<std::string>> gather_echo(const std::string& text, uint32_t expected,
                                                      std::chrono::milliseconds window);

  /// This node's registry: agent names of domain "examples" by node.
  caf::expected<std::map<std::string, std::vector<std::string>>> registry_view();

  /// Whether this node runs cluster membership (then its registry has the cluster view).
  bool has_membership();

  /// The membership actor's peer table.
  caf::expected<std::vector<cluster::peer_info>> peers();

private:
  caf::actor_system& sys_;
  std::shared_ptr<bridge::nats_link> link_;
  caf::scoped_actor self_;
};

/// "echo-n2-1 #3: hi" -> "echo-n2-1": the agent that wrote an echo reply.
std::string replier_of(const std::string& echo_reply);

/// "echo-n2-1" -> "n2" for agents named {pool}-{node}-{i}; empty if `agent` is not one.
std::string node_of(const std::string& agent);

} // namespace smith::tools
