// Tracks the actors a plugin's code spawned, so its library is closed only after they are gone.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_control_block.hpp>

namespace smith::plugin {

/// Weak references to every actor spawned through a plugin's factories. An actor's object and
/// its control block are destroyed by functions compiled into the plugin (CAF instantiates them
/// there), so the plugin may be closed only once no strong and no other weak reference is left.
/// Thread-safe.
class actor_lease {
public:
  /// Remembers `a` (a weak reference; does not keep it alive).
  void track(const caf::actor& a);

  /// Waits until every tracked actor is destroyed and only this lease refers to its control
  /// block, polling until `timeout`. Returns how many are still referenced (0 = all released).
  size_t wait_released(std::chrono::milliseconds timeout);

  /// Drops the lease's own references (runs the control blocks' destructors).
  void clear();

  /// Actors tracked and not yet released.
  size_t live() const;

private:
  static bool released(const caf::weak_actor_ptr& p);
  mutable std::mutex mtx_;
  std::vector<caf::weak_actor_ptr> actors_;
};

} // namespace smith::plugin
