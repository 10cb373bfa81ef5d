// The cluster actors as permanent supervisor workers.
#include "actors/cluster/cluster_children.hpp"

#include <caf/all.hpp>

#include "actors/cluster/membership.hpp"
#include "actors/cluster/replicator.hpp"
#include "runtime/agent/agent_id.hpp"

namespace smith::cluster {

namespace {

using spawn_fn = caf::actor (*)(caf::actor_system&, cluster_options);

supervision::child_spec child(std::string id, const cluster_options& opts, spawn_fn spawn) {
  supervision::child_spec spec;
  spec.id = std::move(id);
  spec.start = [opts, spawn](const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    auto o = opts;
    // A restarted actor starts a new stream: peers must not take its sequences for old ones.
    if (ctx.incarnation > 1)
      o.instance = agent::new_uuid();
    return spawn(ctx.system, std::move(o));
  };
  return spec;
}

} // namespace

std::vector<supervision::child_spec> cluster_children(cluster_options opts) {
  if (opts.instance.empty())
    opts.instance = agent::new_uuid();
  std::vector<supervision::child_spec> out;
  out.push_back(child("membership", opts, spawn_membership));
  out.push_back(child("replicator", opts, spawn_replicator));
  return out;
}

} // namespace smith::cluster
