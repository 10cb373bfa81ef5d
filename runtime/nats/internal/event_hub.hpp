// State shared between a connection and the nats.c callbacks (internal to runtime/nats).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/nats/connection.hpp"
#include "runtime/nats/inbound_view.hpp"

namespace smith::nats {

/// Routes nats.c's connection callbacks to the user's handler. nats.c gets a raw pointer
/// to it, so the connection keeps it alive until the closed callback has run.
struct connection::event_hub {
  std::mutex mtx;
  std::condition_variable cv;
  event_handler handler;
  /// Further listeners (connection::add_listener), by id.
  std::map<uint64_t, event_handler> listeners;
  uint64_t next_listener = 0;
  /// Set by the closed callback: nats.c will call nothing else on this hub.
  bool closed = false;

  /// Calls the handler and every listener (outside the lock); never throws.
  void emit(conn_event ev, const std::string& detail) noexcept;

  /// Waits until the closed callback ran or `timeout` passed; returns whether it ran.
  bool wait_closed(std::chrono::milliseconds timeout);
};

/// The closure of one subscription's callback. Deleted by whoever sees last of it: the
/// subscription (after nats.c's on-complete callback) or the on-complete callback itself
/// (when the subscription stopped waiting, e.g. it was destroyed inside its own callback).
struct subscription::state {
  std::function<void(inbound_msg&&)> on_msg;
  /// Set instead of on_msg by subscribe_view.
  std::function<void(const inbound_view&)> on_view;
  std::shared_ptr<connection::event_hub> hub;
  std::string subject;
  std::mutex mtx;
  std::condition_variable cv;
  bool completed = false;
  bool orphaned = false;
  /// The delivery thread currently inside on_msg (default id when none).
  std::atomic<std::thread::id> running_on{};
};

} // namespace smith::nats
