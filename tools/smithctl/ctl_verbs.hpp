// smithctl's verbs: each returns the process exit code and prints its own output.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "tools/smithctl/ctl_client.hpp"

namespace smith::ctl {

/// Options every verb takes.
struct globals {
  client_options net;
  /// Machine output: one JSON object on stdout (errors too).
  bool json = false;
  /// `--node` of the verbs that name one agent: the node it is on, for a name that several
  /// nodes use; empty: wherever the registry finds it.
  std::string agent_node;
};

/// A connected client and the nodes that answered discovery.
struct session {
  std::unique_ptr<client> c;
  cluster_view view;
  /// The node to ask cluster-wide questions (the first that answered).
  const std::string& any() const { return view.nodes.front().node(); }
  /// Whether `node` answered discovery.
  bool has(const std::string& node) const;
  /// Whether `node` is in the view, asking it directly when discovery stopped before it
  /// answered (discovery ends once every member the answers name has answered, and a node
  /// that just joined may not be named yet). A node that answers joins the view. Errors: a
  /// NOT_FOUND failure naming the node.
  std::optional<failure> reach(const std::string& node);
};

/// Connects and discovers the cluster.
std::variant<session, failure> open_session(const globals& g);

/// `domain/name` or `name` as an AgentRef.
admin::v1::AgentRef parse_ref(const std::string& text);

/// Finds the node hosting `ref` through the registry of any node, among the agents on `node`
/// when it is not empty (NOT_FOUND when none; BAD_REQUEST naming two when it is ambiguous).
std::variant<std::string, failure> node_of(session& s, const admin::v1::AgentRef& ref,
                                           const std::string& node = {});

struct agent_filter {
  std::string domain, capability, state, node, name;
};

int cmd_nodes(const globals& g);
int cmd_tree(const globals& g, const std::string& node);
int cmd_agents(const globals& g, const agent_filter& f);
int cmd_find(const globals& g, const std::string& capability, const std::string& range,
             bool healthy);
int cmd_inspect(const globals& g, const std::string& agent);
int cmd_send(const globals& g, const std::string& agent, const std::string& action,
             const std::string& json, const std::string& traceparent = {});
int cmd_events(const globals& g, const std::string& agent, bool follow, uint32_t iterations,
               std::chrono::milliseconds interval);
int cmd_control(const globals& g, admin::v1::ControlOp op, const std::string& agent,
                std::chrono::milliseconds drain_deadline);
/// What a memory verb asks for (checkpoint, restore, wipe, fork).
struct memory_args {
  admin::v1::MemoryOp op = admin::v1::MEMORY_OP_UNSPECIFIED;
  std::string agent, label, fork_name, why;
  uint64_t seq = 0;
};
int cmd_memory(const globals& g, const memory_args& m);
int cmd_domains(const globals& g, const std::string& node);
int cmd_domain_load(const globals& g, const std::string& spec, const std::string& node);
int cmd_domain_unload(const globals& g, const std::string& name, const std::string& version,
                      std::chrono::milliseconds deadline, const std::string& node);
int cmd_top(const globals& g, uint32_t iterations, std::chrono::milliseconds interval,
            uint32_t limit);

} // namespace smith::ctl
