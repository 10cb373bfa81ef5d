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
