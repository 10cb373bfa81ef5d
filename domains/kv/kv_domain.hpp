// The kv domain: one agent per node owning a versioned key-value store with TTLs (RocksDB).
#pragma once

#include <cstdint>

#include <caf/typed_actor.hpp>

#include "domains/kv/kv_store.hpp"
#include "runtime/agent/agent.hpp"
#include "runtime/agent/endpoint.hpp"
#include "runtime/domain/domain_descriptor.hpp"
#include "smith/kv/v1/kv.pb.h"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::Store)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::StoreReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::Retrieve)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::RetrieveReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::Query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(smith::kv::v1::QueryReply)

namespace smith::kv {

using store_atom = caf::atom_constant<caf::atom("store")>;
using retrieve_atom = caf::atom_constant<caf::atom("retrieve")>;
using query_atom = caf::atom_constant<caf::atom("query")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
/// The agent's own periodic sweep step (sent to itself with high priority).
using sweep_tick_atom = caf::atom_constant<caf::atom("kvsweeptk")>;

/// The kv agent. Every request is answered with its reply message; domain failures are the
/// reply's `error` (see kv.proto), never a CAF error.
/// - store(Store) -> StoreReply: sets the entry (compare-and-set, TTL).
/// - retrieve(Retrieve) -> RetrieveReply: the live entry or its absence.
/// - query(Query) -> QueryReply: live entries matching a filter, in key order.
/// - sweep -> uint64_t: deletes every expired entry now; the count deleted (a storage
///   failure is the request's error).
/// The agent runs detached (its own thread): RocksDB calls block.
using kv_iface = caf::typed_actor<caf::replies_to<store_atom, v1::Store>::with<v1::StoreReply>,
                                  caf::replies_to<retrieve_atom, v1::Retrieve>::with<v1::RetrieveReply>,
                                  caf::replies_to<query_atom, v1::Query>::with<v1::QueryReply>,
                                  caf::replies_to<sweep_atom>::with<uint64_t>,
                                  caf::reacts_to<sweep_tick_atom>>;
using kv_actor = agent::agent_handle<kv_iface>;

/// Version of the kv domain and its agent type.
inline constexpr const char* kv_version = "1.0.0";

/// The kv agent type ("kv", capability "kv", actions store/retrieve/query). `clock` gives
/// Unix nanoseconds for TTLs (tests inject a manual one); null = the system clock.
agent::agent_type kv_type(kv_clock clock = {});

/// The kv agent's wire actions: "store" (Store -> StoreReply), "retrieve" (Retrieve ->
/// RetrieveReply), "query" (Query -> QueryReply).
agent::endpoint_table kv_endpoints();

/// The whole domain: agent type "kv", default pool "kv" (1 instance), settings schema
/// (kv_settings.hpp). `clock` as in kv_type.
domain::domain_descriptor kv_domain(kv_clock clock = {});

} // namespace smith::kv
