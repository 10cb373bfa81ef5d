// The NATS connection: options, connection events, publish, request, flush, stats.
#include "runtime/nats/connection.hpp"

#include <climits>
#include <exception>

#include <nats/nats.h>

#include "runtime/nats/internal/event_hub.hpp"
#include "runtime/nats/internal/encoded_message.hpp"
#include "runtime/nats/internal/message_copy.hpp"
#include "runtime/nats/internal/options_builder.hpp"
#include "runtime/nats/nats_errc.hpp"

namespace smith::nats {

namespace {

// How long close() waits for nats.c's closed callback before leaving the hub to it.
constexpr auto close_wait = std::chrono::seconds{5};

std::string payload_context(std::string_view subject, size_t size) {
  return "publish " + std::to_string(size) + " bytes to '" + std::string{subject} + "'";
}

} // namespace

const char* to_string(conn_event x) {
  switch (x) {
    case conn_event::disconnected: return "disconnected";
    case conn_event::reconnected: return "reconnected";
    case conn_event::closed: return "closed";
    case conn_event::error: return "error";
  }
  return "unknown";
}

void connection::event_hub::emit(conn_event ev, const std::string& detail) noexcept {
  // Copied under the lock, called outside it: a handler may (un)register listeners.
  event_handler first;
  std::vector<event_handler> rest;
  try {
    std::lock_guard guard{mtx};
    first = handler;
    rest.reserve(listeners.size());
    for (auto& [id, l] : listeners)
      rest.push_back(l);
  } catch (...) {
    return; // out of memory copying handlers: the event is lost, the nats.c thread survives
  }
  auto call = [&](const event_handler& h) {
    try {
      if (h)
        h(ev, detail);
    } catch (...) {
      // A handler that throws has nobody left to tell; the others still run.
    }
  };
  call(first);
  for (auto& h : rest)
    call(h);
}

bool connection::event_hub::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock guard{mtx};
  return cv.wait_for(guard, timeout, [this] { return closed; });
}

connection::connection() : hub_(std::make_shared<event_hub>()) {
  // nop
}

connection::~connection() {
  if (nc_ == nullptr)
    return;
  natsConnection_Close(nc_);
  // The closed callback is the last one nats.c queues for this connection; after it the
  // hub may go. If it never comes, the hub is kept (leaked) rather than freed under it.
  if (!hub_->wait_closed(close_wait))
    new std::shared_ptr<event_hub>(hub_);
  natsConnection_Destroy(nc_);
}

caf::expected<std::shared_ptr<connection>> connection::connect(const nats_options& opts) {
  std::shared_ptr<connection> result{new connection};
  auto built = internal::build_options(opts, result->hub_.get());
  if (!built)
    return std::move(built.error());
  natsOptions* o = *built;
  auto s = natsConnection_Connect(&result->nc_, o);
  natsOptions_Destroy(o);
  if (s == NATS_NOT_YET_CONNECTED && result->nc_ != nullptr)
    return result; // retry_on_failed_connect: nats.c keeps trying, events tell the rest
  if (s != NATS_OK) {
    result->nc_ = nullptr;
    std::string where = opts.urls.empty() ? std::string{"(no URL)"} : opts.urls.front();
    for (size_t i = 1; i < opts.urls.size(); ++i)
      where += "," + opts.urls[i];
    return make_nats_error(s, "connect to " + where);
  }
  return result;
}

caf::error connection::publish(std::string_view subject, std::string_view reply,
                               const header_list& headers, std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX))
    return make_nats_error(nats_errc::max_payload, payload_context(subject, data.size()));
  if (headers.empty()) {
    std::string subj{subject};
    std::string rep{reply};
    auto s = rep.empty()
               ? natsConnection_Publish(nc_, subj.c_str(), data.data(), static_cast<int>(data.size()))
               : natsConnection_PublishRequest(nc_, subj.c_str(), rep.c_str(), data.data(),
                                               static_cast<int>(data.size()));
    return make_nats_error(s, payload_context(subject, data.size()));
  }
  auto msg = internal::make_message(subject, reply, headers, data);
  if (!msg)
    return std::move(msg.error());
  auto s = natsConnection_PublishMsg(nc_, *msg);
  auto err = make_nats_error(s, payload_context(subject, data.size()));
  natsMsg_Destroy(*msg);
  return err;
}

caf::error connection::publish_fields(std::string_view subject, std::string_view reply,
                                      const header_field* fields, size_t count,
                                      std::string_view data) {
  if (subject.empty()) // natsMsg_Create would call it an invalid argument; publish says this
    return make_nats_error(nats_errc::invalid_subject, payload_context(subject, data.size()));
  if (data.size() > static_cast<size_t>(INT_MAX))
    return make_nats_error(nats_errc::max_payload, payload_context(subject, data.size()));
  natsMsg* msg = nullptr;
  auto s = internal::build_message(&msg, subject, reply, fields, count, data);
  if (s == NATS_OK)
    s = natsConnection_PublishMsg(nc_, msg);
  natsMsg_Destroy(msg); // accepts null
  if (s == NATS_OK)
    return {};
  return make_nats_error(s, payload_context(subject, data.size()));
}

caf::expected<inbound_msg> connection::request(std::string_view subject, const header_list& headers,
                                               std::string_view data,
                                               std::chrono::milliseconds timeout) {
  if (data.size() > static_cast<size_t>(INT_MAX))
    return make_nats_error(nats_errc::max_payload, payload_context(subject, data.size()));
  auto msg = internal::make_message(subject, {}, headers, data);
  if (!msg)
    return std::move(msg.error());
  natsMsg* reply = nullptr;
  auto s = natsConnection_RequestMsg(&reply, nc_, *msg, timeout.count());
  auto err = make_nats_error(s, "request to '" + std::string{subject} + "'");
  natsMsg_Destroy(*msg);
  if (err)
    return err;
  try {
    auto result = internal::copy_message(reply);
    natsMsg_Destroy(reply);
    return result;
  } catch (...) {
    natsMsg_Destroy(reply);
    return make_nats_error(nats_errc::other, "request to '" + std::string{subject}
                                               + "': cannot copy the reply");
  }
}

caf::error connection::flush(std::chrono::milliseconds timeout) {
  return make_nats_error(natsConnection_FlushTimeout(nc_, timeout.count()), "flush");
}

void connection::on_event(event_handler handler) {
  std::lock_guard guard{hub_->mtx};
  hub_->handler = std::move(handler);
}

uint64_t connection::add_listener(event_handler listener) {
  std::lock_guard guard{hub_->mtx};
  auto id = ++hub_->next_listener;
  hub_->listeners.emplace(id, std::move(listener));
  return id;
}

void connection::remove_listener(uint64_t id) {
  std::lock_guard guard{hub_->mtx};
  hub_->listeners.erase(id);
}

bool connection::connected() const {
  return nc_ != nullptr && natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
}

std::string connection::connected_url() const {
  char buf[512] = {0};
  if (nc_ == nullptr || natsConnection_GetConnectedUrl(nc_, buf, sizeof(buf)) != NATS_OK)
    return {};
  return buf;
}

int64_t connection::max_payload() const {
  return nc_ == nullptr ? 0 : natsConnection_GetMaxPayload(nc_);
}

connection::stats connection::statistics() const {
  stats result;
  natsStatistics* st = nullptr;
  if (nc_ == nullptr || natsStatistics_Create(&st) != NATS_OK)
    return result;
  if (natsConnection_GetStats(nc_, st) == NATS_OK)
    natsStatistics_GetCounts(st, &result.in_msgs, &result.in_bytes, &result.out_msgs,
                             &result.out_bytes, &result.reconnects);
  natsStatistics_Destroy(st);
  return result;
}

std::string connection::new_inbox_prefix() {
  natsInbox* inbox = nullptr;
  if (natsInbox_Create(&inbox) != NATS_OK)
    return {};
  std::string result = inbox;
  natsInbox_Destroy(inbox);
  return result;
}

void connection::close() {
  // Only closes: nc_ stays valid until the destructor, so concurrent calls fail cleanly
  // with connection_closed instead of touching freed memory. natsConnection_Close is
  // idempotent and thread-safe.
  if (nc_ != nullptr)
    natsConnection_Close(nc_);
}

} // namespace smith::nats
