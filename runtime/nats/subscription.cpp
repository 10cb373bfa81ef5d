// Subscriptions: creation, the nats.c callbacks, and the RAII teardown.
#include "runtime/nats/subscription.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include <nats/nats.h>

#include "runtime/nats/connection.hpp"
#include "runtime/nats/internal/event_hub.hpp"
#include "runtime/nats/internal/message_copy.hpp"
#include "runtime/nats/internal/message_view.hpp"
#include "runtime/nats/nats_errc.hpp"

namespace smith::nats {

namespace {

// Bounds far above any sane backlog, so bursts are not dropped; beyond them nats.c
// drops and reports NATS_SLOW_CONSUMER through the connection's error handler.
constexpr int pending_msgs_limit = 1'000'000;
constexpr int pending_bytes_limit = 1 << 30;

// How long teardown waits for a running callback to return before giving up on it.
constexpr auto teardown_wait = std::chrono::seconds{5};

/// Runs the subscription's callback on `st`'s behalf, reporting what it throws.
template <class F>
void run_callback(subscription::state* st, F&& f) {
  st->running_on = std::this_thread::get_id();
  try {
    f();
  } catch (const std::exception& e) {
    st->hub->emit(conn_event::error,
                  "message callback of '" + st->subject + "' threw: " + e.what());
  } catch (...) {
    st->hub->emit(conn_event::error, "message callback of '" + st->subject + "' threw");
  }
  st->running_on = std::thread::id{};
}

/// subscribe_view's delivery: the callback borrows `msg`, destroyed once it returns.
void on_message_view(subscription::state* st, natsMsg* msg) {
  // Reused per delivery thread: callbacks run one at a time on it and never nest.
  thread_local header_refs headers;
  inbound_view view;
  try {
    internal::view_message(msg, headers, view);
  } catch (...) {
    natsMsg_Destroy(msg);
    st->hub->emit(conn_event::error, "out of memory reading a message on '" + st->subject + "'");
    return;
  }
  run_callback(st, [&] { st->on_view(view); });
  headers.clear();
  natsMsg_Destroy(msg);
}

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* st = static_cast<subscription::state*>(closure);
  if (st->on_view)
    return on_message_view(st, msg);
  inbound_msg copy;
  try {
    copy = internal::copy_message(msg);
  } catch (...) {
    natsMsg_Destroy(msg);
    st->hub->emit(conn_event::error, "out of memory copying a message on '" + st->subject + "'");
    return;
  }
  natsMsg_Destroy(msg);
  run_callback(st, [&] { st->on_msg(std::move(copy)); });
}

void on_complete(void* closure) {
  auto* st = static_cast<subscription::state*>(closure);
  bool owner = false;
  {
    std::lock_guard guard{st->mtx};
    st->completed = true;
    owner = st->orphaned;
    // Notified under the lock: once it is released the waiting reset() may free `st`, so
    // nothing here may touch `st` after that (a notify after the unlock was a use after free).
    if (!owner)
      st->cv.notify_all();
  }
  if (owner)
    delete st;
}

} // namespace

caf::expected<subscription> connection::subscribe(const std::string& subject,
                                                  const std::string& queue,
                                                  std::function<void(inbound_msg&&)> on_msg) {
  if (!on_msg)
    return make_nats_error(nats_errc::invalid_argument, "subscribe to '" + subject + "': no callback");
  auto* st = new subscription::state;
  st->on_msg = std::move(on_msg);
  return subscribe_state(subject, queue, st);
}

caf::expected<subscription> connection::subscribe_view(
  const std::string& subject, const std::string& queue,
  std::function<void(const inbound_view&)> on_view) {
  if (!on_view)
    return make_nats_error(nats_errc::invalid_argument, "subscribe to '" + subject + "': no callback");
  auto* st = new subscription::state;
  st->on_view = std::move(on_view);
  return subscribe_state(subject, queue, st);
}

caf::expected<subscription> connection::subscribe_state(const std::string& subject,
                                                        const std::string& queue,
                                                        subscription::state* st) {
  st->hub = hub_;
  st->subject = subject;
  natsSubscription* sub = nullptr;
  auto s = queue.empty()
             ? natsConnection_Subscribe(&sub, nc_, subject.c_str(), on_message, st)
             : natsConnection_QueueSubscribe(&sub, nc_, subject.c_str(), queue.c_str(), on_message, st);
  if (s != NATS_OK) {
    auto err = make_nats_error(s, "subscribe to '" + subject + "'"
                                    + (queue.empty() ? "" : " in queue group '" + queue + "'"));
    delete st; // nats.c never saw a subscription: no callback can run
    return err;
  }
  subscription result{sub, st, shared_from_this()};
  if (s = natsSubscription_SetOnCompleteCB(sub, on_complete, st); s != NATS_OK)
    return make_nats_error(s, "subscribe to '" + subject + "': cannot track completion");
  if (s = natsSubscription_SetPendingLimits(sub, pending_msgs_limit, pending_bytes_limit);
      s != NATS_OK)
    return make_nats_error(s, "subscribe to '" + subject + "': cannot set pending limits");
  return result;
}

subscription::subscription(natsSubscription* sub, state* st, std::shared_ptr<connection> conn) noexcept
  : sub_(sub), state_(st), conn_(std::move(conn)) {
  // nop
}

subscription::~subscription() {
  reset();
}

subscription::subscription(subscription&& other) noexcept
  : sub_(std::exchange(other.sub_, nullptr)),
    state_(std::exchange(other.state_, nullptr)),
    conn_(std::move(other.conn_)) {
  // nop
}

subscription& subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    reset();
    sub_ = std::exchange(other.sub_, nullptr);
    state_ = std::exchange(other.state_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

caf::error subscription::drain() {
  if (!sub_)
    return make_nats_error(nats_errc::invalid_argument, "drain of an empty subscription");
  return make_nats_error(natsSubscription_Drain(sub_), "drain '" + state_->subject + "'");
}

caf::error subscription::await_drained(std::chrono::milliseconds timeout) {
  if (!sub_)
    return {};
  return make_nats_error(natsSubscription_WaitForDrainCompletion(sub_, timeout.count()),
                         "drain '" + state_->subject + "'");
}

int64_t subscription::pending() const {
  int msgs = 0;
  int bytes = 0;
  if (!sub_ || natsSubscription_GetPending(sub_, &msgs, &bytes) != NATS_OK)
    return 0;
  return msgs;
}

int64_t subscription::dropped() const {
  int64_t msgs = 0;
  if (!sub_ || natsSubscription_GetDropped(sub_, &msgs) != NATS_OK)
    return 0;
  return msgs;
}

caf::error subscription::set_pending_limits(int msgs, int bytes) {
  if (!sub_)
    return make_nats_error(nats_errc::invalid_argument, "pending limits of an empty subscription");
  return make_nats_error(natsSubscription_SetPendingLimits(sub_, msgs, bytes),
                         "set pending limits of '" + state_->subject + "'");
}

void subscription::reset() {
  if (!sub_)
    return;
  // Fails harmlessly when the connection (and with it the subscription) is already closed.
  natsSubscription_Unsubscribe(sub_);
  bool inside_callback = state_->running_on.load() == std::this_thread::get_id();
  bool free_state = false;
  {
    std::unique_lock guard{state_->mtx};
    if (!inside_callback)
      state_->cv.wait_for(guard, teardown_wait, [this] { return state_->completed; });
    free_state = state_->completed;
    // Otherwise on_complete (if nats.c ever calls it) frees the state; a lost state is
    // better than a callback running on freed memory.
    state_->orphaned = !free_state;
  }
  natsSubscription_Destroy(sub_);
  if (free_state)
    delete state_;
  sub_ = nullptr;
  state_ = nullptr;
  conn_.reset();
}

} // namespace smith::nats
