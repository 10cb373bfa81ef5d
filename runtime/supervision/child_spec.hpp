// A child specification: how a supervisor starts, restarts and stops one child (OTP child_spec).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "runtime/supervision/backoff.hpp"

namespace smith::supervision {

/// When a terminated child is restarted (OTP `restart`).
enum class restart_type {
  /// Always restarted.
  permanent,
  /// Restarted only after an abnormal exit (not `normal` or `shutdown`).
  transient,
  /// Never restarted; removed from the supervisor when it exits.
  temporary,
};

/// Whether the child is a plain worker or itself a supervisor (OTP `type`).
enum class child_type { worker, supervisor };

/// How a supervisor stops a child (OTP `shutdown`).
struct shutdown_spec {
  enum class mode {
    /// Kill at once with an untrappable exit.
    brutal_kill,
    /// Ask with `shutdown`; kill if the child is still alive after `timeout`.
    timeout,
    /// Ask with `shutdown` and wait for as long as it takes.
    infinity,
  };
  mode kind = mode::timeout;
  std::chrono::milliseconds timeout{5000};

  static shutdown_spec brutal_kill() { return {mode::brutal_kill, {}}; }
  static shutdown_spec infinity() { return {mode::infinity, {}}; }
  static shutdown_spec after(std::chrono::milliseconds t) { return {mode::timeout, t}; }
};

/// What a start function learns about the child it starts.
struct start_context {
  /// The actor system to spawn into.
  caf::actor_system& system;
  /// Handle of the supervisor that starts the child.
  caf::actor supervisor;
  /// Child id from the spec.
  const std::string& id;
  /// 1 for the first start, incremented on every (re)start.
  uint64_t incarnation;
  /// Slash-separated path of the supervisor, e.g. "root/examples".
  const std::string& supervisor_path;
};

/// Starts one child. Returns the running actor or an error; may throw, which
/// counts as a failed start. The supervisor monitors the returned actor (unless the spec's
/// reports_exit says the child tells it of its exit itself).
using start_fn = std::function<caf::expected<caf::actor>(const start_context&)>;

/// One child of a supervisor (OTP `child_spec()`).
struct child_spec {
  /// Unique among the supervisor's children; a NATS subject token.
  std::string id;
  /// Starts the child. Required.
  start_fn start;
  restart_type restart = restart_type::permanent;
  shutdown_spec shutdown;
  child_type type = child_type::worker;
  /// A significant child's exit may trigger the supervisor's auto_shutdown.
  bool significant = false;
  /// Optional delay between a crash and its restart (beyond OTP).
  backoff_spec backoff;
  /// Optional (beyond OTP): specs with the same non-null key start their children with the
  /// same function, up to the id it is given (agent_child sets its pool). A supervisor keeps
  /// one copy of such consecutive specs when their other fields are equal too.
  std::shared_ptr<const void> template_key;
  /// Optional (beyond OTP): the child that `start` returns reports its own exit to the
  /// supervisor of its start_context (a child_down_atom message carrying its address, the
  /// child id and its exit reason, sent from the child's cleanup for every way it ends), so
  /// the supervisor does not monitor it. agent_child sets it; other children are monitored.
  bool reports_exit = false;
};

/// Tells `supervisor` (if it still lives) that its child `child`, started as `id`, ended with
/// `reason`: what a child whose spec has reports_exit sends once, from its cleanup, however it
/// ends (`host`: the caller's execution unit, may be null).
void report_child_exit(const caf::actor_addr& supervisor, const caf::actor_addr& child,
                       const std::string& id, const caf::error& reason,
                       caf::execution_unit* host = nullptr);

/// Makes `child` report its exit to `supervisor` as `id` (report_child_exit) through an
/// attached functor: for a child of a reports_exit spec that does not report by itself.
void attach_child_exit_report(const caf::actor& child, const caf::actor& supervisor,
                              const std::string& id);

/// Renders a restart type in OTP's spelling ("permanent", ...).
const char* to_string(restart_type x);
/// Renders a child type in OTP's spelling ("worker", "supervisor").
const char* to_string(child_type x);
/// Renders a shutdown spec as OTP does ("brutal_kill", "infinity", "5000").
std::string to_string(const shutdown_spec& x);

} // namespace smith::supervision
