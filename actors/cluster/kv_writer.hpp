// The replicator's JetStream KV worker: blocking bucket calls on a thread of its own.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "runtime/nats/kv_bucket.hpp"

namespace smith::cluster {

using kv_put_atom = caf::atom_constant<caf::atom("kvput")>;
using kv_erase_atom = caf::atom_constant<caf::atom("kverase")>;
using kv_refresh_atom = caf::atom_constant<caf::atom("kvrefresh")>;
using kv_seed_atom = caf::atom_constant<caf::atom("kvseed")>;
using kv_purge_atom = caf::atom_constant<caf::atom("kvpurge")>;
using kv_flush_atom = caf::atom_constant<caf::atom("kvflush")>;

/// Spawns a detached actor that binds (creating it if needed) the bucket `opts` on `conn`
/// at its first message, retrying on later messages while that fails. Messages:
/// - (put, key, value) and (erase, key): one write each; failures are logged (the next
///   refresh repairs them);
/// - (refresh, prefix, entries): puts every entry and erases keys under `prefix` that are
///   not in `entries` (keeps this node's entries alive and removes stale ones);
/// - seed -> std::map<key, value> of every entry in the bucket, or the nats error;
/// - flush -> the number of writes (puts, erases) that failed since the previous flush,
///   answered after every write received before it (messages are handled in order);
/// - (purge, prefix): erases every key under `prefix`, then the actor quits.
/// The caller owns the handle and must end it (purge, or an exit message).
caf::actor spawn_kv_writer(caf::actor_system& sys, std::shared_ptr<nats::connection> conn,
                           nats::kv_options opts);

} // namespace smith::cluster
