// A deterministic actor system for tests: CAF's test coordinator with a virtual clock.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "runtime/core/system_setup.hpp"

namespace smith::test {

/// Owns an actor system that runs only when told to (`run`) and whose clock
/// only moves when told to (`advance`). Not thread-safe; one per test.
class test_system {
public:
  test_system() {
    cfg_.set("scheduler.policy", caf::atom("testing"));
    cfg_.set("logger.verbosity", caf::atom("quiet"));
    configure_actor_system(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    // Helper actors (event recorders) live until the end; do not wait for them.
    sys_->await_actors_before_shutdown(false);
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
    self_ = std::make_unique<caf::scoped_actor>(*sys_);
  }

  ~test_system() {
    self_.reset();
    sched_->run();
  }

  caf::actor_system& sys() { return *sys_; }
  caf::scoped_actor& self() { return *self_; }
  caf::scheduler::test_coordinator& sched() { return *sched_; }

  /// Runs every pending job until the system is idle.
  size_t run() { return sched_->run(); }

  /// Moves the virtual clock, fires due timers, and runs until idle.
  void advance(caf::timespan d) {
    sched_->advance_time(d);
    run();
  }

  /// Sends a request from the scoped actor, runs the system, and returns the
  /// reply (or the error). Requires the reply to be produced while running.
  template <class T, class Handle, class... Ts>
  caf::expected<T> request(const Handle& dest, Ts&&... xs) {
    caf::expected<T> result = caf::make_error(caf::sec::request_timeout);
    auto h = (*self_)->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    run();
    h.receive([&](T& x) { result = std::move(x); },
              [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Like request(), but returns the value itself; a failed request yields a
  /// default-constructed T (the caller's CHECKs then fail visibly).
  template <class T, class Handle, class... Ts>
  T ask(const Handle& dest, Ts&&... xs) {
    auto res = request<T>(dest, std::forward<Ts>(xs)...);
    return res ? std::move(*res) : T{};
  }

  /// Like request() for handlers without a reply value we care about.
  template <class Handle, class... Ts>
  caf::error request_void(const Handle& dest, Ts&&... xs) {
    caf::error result;
    auto h = (*self_)->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    run();
    h.receive([&](caf::ok_atom) {}, [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Renders an error with the system's renderers.
  std::string render(const caf::error& err) { return sys_->render(err); }

private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  std::unique_ptr<caf::scoped_actor> self_;
};

} // namespace smith::test
