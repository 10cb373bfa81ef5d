// The cross-node demo (smithd --probe): a node without agents that calls the cluster's agents.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

namespace smith::actors {
class node;
} // namespace smith::actors

namespace smith::tools {

/// What the probe expects of the cluster and what it does to it.
struct cluster_demo_options {
  /// Nodes that host the examples domain (pools "echo" and "counter"); at least one.
  std::vector<std::string> nodes;
  /// Node to kill -9 in the last step, and its smithd's pid; empty/0 skips that step.
  std::string kill_node;
  int kill_pid = 0;
  /// Calls to the "echo" pool in the balancing step.
  int balanced_calls = 30;
  /// How long the cluster may take to answer from every node after the probe started.
  std::chrono::milliseconds ready_timeout{20000};
};

/// Parses `--probe n1,n2,n3` and `--probe-kill n3:PID` (empty: no kill). Errors:
/// caf::sec::invalid_argument naming the bad part (an empty or non-token node name, a
/// duplicate, a kill target that is not in `nodes`, a pid that is not a positive integer).
caf::expected<cluster_demo_options> parse_cluster_demo_args(const std::string& nodes,
                                                            const std::string& kill);

/// Runs the demo on `node` (started, with NATS) from the calling thread and prints what
/// happens to stdout: (a) direct calls to one echo and one counter agent per node, (b) a
/// broadcast gathering every echo agent's reply, (c) `balanced_calls` calls to the echo
/// pool with a table of who answered, (d) with a kill target: SIGKILL to it, then how long
/// its agents take to leave this node's registry (bound: the cluster's down_after plus two
/// heartbeat intervals), that $SRV.PING no longer finds it and that pool calls avoid it. Step (d)'s
/// registry check is reported as skipped, not passed, when the node runs no cluster
/// membership. Returns 0 when every check passed, 1 when one failed, 130 when `stop` was
/// set (a signal) before the end.
int run_cluster_demo(caf::actor_system& sys, const actors::node& node,
                     const cluster_demo_options& opts, const std::atomic<bool>& stop);

} // namespace smith::tools
