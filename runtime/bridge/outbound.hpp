// A node's direct path for one-way messages: published from the caller's thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/message_id.hpp>

#include "runtime/agent/endpoint.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/nats_link.hpp"

namespace smith::bridge {

/// What the bridge shares with callers so that a cast needs no hop through its mailbox:
/// the node's NATS link and a snapshot of its named local agents. Thread-safe; the bridge
/// owns it, updates the snapshot as agents come and go, and installs it for its actor
/// system while it runs.
class outbound {
public:
  /// `link` may be null (no NATS: only local agents are reached directly).
  outbound(std::shared_ptr<nats_link> link, std::string node, size_t max_payload);

  /// The agent `domain`/`name` runs here as `handle` with `endpoints` (bridge only).
  void set_local(const std::string& domain, const std::string& name, caf::actor handle,
                 std::shared_ptr<const agent::endpoint_table> endpoints);

  /// `domain`/`name` left, if `handle` is still the one recorded (bridge only).
  void erase_local(const std::string& domain, const std::string& name, const caf::actor& handle);

  /// Forgets every local agent (bridge only).
  void clear_local();

  /// Sends `cr` one-way: to a named local agent in-process (endpoint post), otherwise
  /// published on the bulk connection. nullopt when only the bridge can route it (no NATS
  /// and not a named local agent: pools). Errors as the bridge's cast: unknown_action,
  /// unknown_type, bad_request, payload_too_large, unavailable, overloaded.
  std::optional<caf::error> cast(const call_request& cr);

  /// How the bridge sends a call over NATS on behalf of `caller` (from the caller's thread):
  /// parks it under a correlation id, publishes it on the rpc connection and arranges its
  /// expiry; the reply (or DEADLINE_EXCEEDED) reaches `caller` as the response to `mid`.
  /// Returns the errors found before sending (then nothing was sent nor parked).
  using remote_call_fn
    = std::function<caf::error(call_request& cr, caf::strong_actor_ptr caller, caf::message_id mid)>;

  /// Installs the bridge's remote call function (bridge only, before install()).
  void set_remote_call(remote_call_fn fn);

  /// Sends `cr` through the remote call function when the call goes over NATS straight from
  /// the caller: NATS is up, the function is installed and the target is neither a named
  /// agent of this node (called in-process through the bridge) nor a broadcast. nullopt
  /// otherwise (nothing done: ask the bridge). See remote_call_fn for the error.
  std::optional<caf::error> call_remote(call_request& cr, caf::strong_actor_ptr caller,
                                        caf::message_id mid) const;

  /// Makes `ob` the direct path of `sys` (replacing any other).
  static void install(caf::actor_system& sys, std::shared_ptr<outbound> ob);

  /// Removes `ob` if it is still the direct path of `sys`.
  static void withdraw(caf::actor_system& sys, const outbound* ob);

  /// The direct path of `sys`, or null (no bridge running).
  static std::shared_ptr<outbound> find(caf::actor_system& sys);

private:
  struct local_entry {
    caf::actor handle;
    std::shared_ptr<const agent::endpoint_table> endpoints;
  };

  std::optional<local_entry> local(const std::string& domain, const std::string& name) const;

  std::shared_ptr<nats_link> link_;
  std::string node_;
  size_t max_payload_;
  mutable std::shared_mutex mtx_;
  std::unordered_map<std::string, local_entry> locals_;
  remote_call_fn remote_call_;
};

/// Casts `req` to `action` of `ref` without a round trip through the bridge: errors found
/// at once are returned (nothing was sent). Without a bridge: unavailable. A cast only the
/// bridge can route (a pool on a node without NATS) is handed to it; its later errors are
/// counted there, not returned.
caf::error cast(caf::actor_system& sys, agent_ref ref, std::string action, wire_payload req,
                wall_time deadline);

} // namespace smith::bridge
