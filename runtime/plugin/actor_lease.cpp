// Actor lease of a plugin.
#include "runtime/plugin/actor_lease.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_cast.hpp>

namespace smith::plugin {

bool actor_lease::released(const caf::weak_actor_ptr& p) {
  return p->strong_refs.load() == 0 && p->weak_refs.load() == 1;
}

void actor_lease::track(const caf::actor& a) {
  auto* ctrl = caf::actor_cast<caf::actor_control_block*>(a);
  if (ctrl == nullptr)
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  // Restarts add actors forever: forget the released ones now and then.
  if (actors_.size() >= 64 && actors_.size() == actors_.capacity())
    actors_.erase(std::remove_if(actors_.begin(), actors_.end(), released), actors_.end());
  actors_.emplace_back(ctrl);
}

size_t actor_lease::live() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<size_t>(
    std::count_if(actors_.begin(), actors_.end(), [](auto& p) { return !released(p); }));
}

size_t actor_lease::wait_released(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto n = live();
    if (n == 0 || std::chrono::steady_clock::now() >= deadline)
      return n;
    // References drop on CAF's worker threads; nothing to wait on but the counts themselves.
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
}

void actor_lease::clear() {
  std::vector<caf::weak_actor_ptr> gone;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    gone.swap(actors_);
  }
}

} // namespace smith::plugin
