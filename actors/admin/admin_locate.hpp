// Inside the admin service: finding a local agent and its supervisor in the tree.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/expected.hpp>

#include "actors/admin/admin_worker.hpp"
#include "runtime/registry/agent_record.hpp"
#include "runtime/supervision/child_info.hpp"

namespace smith::actors::admin_impl {

/// A local agent: its registry record and where it sits in the supervision tree.
struct located_agent {
  registry::agent_record record;
  /// Its supervisor (invalid when the tree walk did not find it).
  caf::actor supervisor;
  /// The supervisor's path, e.g. "root/examples/counter" (empty when not found).
  std::string supervisor_path;
  /// Its entry in the supervisor's which_children.
  supervision::child_info child;
};

/// Finds agent `ref` on this node: registry_errc::unknown_agent ("no agent ... on node N"),
/// sec::invalid_argument for an empty name or a name found in several domains, or the
/// registry's error (timeout, receiver down). With `allow_stopped`, an agent that is not
/// registered (stopped, restarting) is still found in the tree (then `record` holds only
/// its domain and name).
caf::expected<located_agent> locate(caf::blocking_actor* self, const admin_context& ctx,
                                    const admin::v1::AgentRef& ref, bool allow_stopped = false);

/// The root supervisor, or sec::request_receiver_down when it is gone.
caf::expected<caf::actor> root_of(const admin_context& ctx);

} // namespace smith::actors::admin_impl

namespace smith::actors::admin_impl {

/// Adds to `events` (built from the live rings: the supervisor's retained decisions and the
/// agent's lifecycle history of this incarnation) what the node's event store recorded about
/// agent `a` before: its supervisor's decisions and its lifecycle transitions, including
/// those of earlier incarnations and of the node's earlier runs. An entry the live rings
/// also hold is left out (decisions: same kind, reason, incarnation and monotonic time;
/// transitions: same states and reason, recorded within 250 ms). Persisted entries get
/// `at` from their wall-clock record and `monotonic_ns` = wall time - `wall_offset_ns`, so
/// that sorting by monotonic_ns orders old and live events together. Without a store it
/// adds nothing; a store that cannot be read is logged (warning) and skipped.
void merge_persisted_history(const admin_context& ctx, const located_agent& a,
                             int64_t wall_offset_ns, std::vector<admin::v1::Event>& events);

} // namespace smith::actors::admin_impl
