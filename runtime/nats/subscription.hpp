// An RAII NATS subscription with a callback (see connection::subscribe).
#pragma once

#include <chrono>

#include <cstdint>
#include <memory>

#include <caf/error.hpp>

struct __natsSubscription;
using natsSubscription = struct __natsSubscription;

namespace smith::nats {

class connection;

/// A live subscription. Movable, not copyable. Destruction unsubscribes and waits until
/// the callback is no longer running (unless destroyed from inside its own callback),
/// so whatever the callback captured may be freed right after.
class subscription {
public:
  /// Callback state kept alive for nats.c; opaque outside runtime/nats.
  struct state;

  subscription() = default;
  subscription(natsSubscription* sub, state* st, std::shared_ptr<connection> conn) noexcept;
  ~subscription();
  subscription(subscription&& other) noexcept;
  subscription& operator=(subscription&& other) noexcept;
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;

  /// True unless default-constructed or moved from.
  bool valid() const noexcept { return sub_ != nullptr; }

  /// Stops interest, delivers what is already pending, then ends. Errors: closed.
  caf::error drain();

  /// After drain(): blocks until every message the server sent before the drain was handed
  /// to the callback (or `timeout` passed: nats timeout error). No-op when empty.
  caf::error await_drained(std::chrono::milliseconds timeout);

  /// Messages received and not yet handed to the callback.
  int64_t pending() const;

  /// Messages dropped because the pending limits were exceeded (slow consumer).
  int64_t dropped() const;

  /// Lowers (or raises) the bound of messages/bytes waiting for the callback (default
  /// 1,000,000 / 1 GiB). Beyond it messages are dropped, counted in dropped() and reported
  /// as conn_event::error (slow consumer). Errors: invalid_argument.
  caf::error set_pending_limits(int msgs, int bytes);

  /// Unsubscribes now (idempotent); the destructor does it too.
  void reset();

private:
  natsSubscription* sub_ = nullptr;
  state* state_ = nullptr;
  std::shared_ptr<connection> conn_;
};

} // namespace smith::nats
