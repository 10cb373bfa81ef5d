// One NATS connection (nats.c), with options, events, publish, subscribe and request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/nats/header_list.hpp"
#include "runtime/nats/inbound_msg.hpp"
#include "runtime/nats/inbound_view.hpp"
#include "runtime/nats/subscription.hpp"

struct __natsConnection;
using natsConnection = struct __natsConnection;

namespace smith::nats {

/// How to reach and talk to the NATS servers.
struct nats_options {
  /// Server URLs (nats://host:port or tls://host:port); at least one.
  std::vector<std::string> urls;
  /// Connection name shown by the server (monitoring /connz).
  std::string name;
  /// Authentication: user + password, or token, or a credentials file (at most one).
  std::string user, password, token, credentials_file;
  /// TLS: CA bundle to trust; client certificate chain and key (both or neither).
  std::string tls_ca, tls_cert, tls_key;
  /// Client PINGs; the link is declared dead after ping_interval * (max_pings_out + 1).
  std::chrono::milliseconds ping_interval{5000};
  /// Unanswered PINGs tolerated before the link is declared dead.
  int max_pings_out = 2;
  /// Pause between reconnect attempts to the same server.
  std::chrono::milliseconds reconnect_wait{250};
  /// Reconnect attempts per server; -1 = forever.
  int max_reconnect = -1;
  /// Bytes of publishes buffered while reconnecting; beyond it publish fails.
  int64_t reconnect_buffer_bytes = 8 << 20;
  /// Timeout of the initial connect (per server) and of the handshake.
  std::chrono::milliseconds connect_timeout{2000};
  /// Flush every publish at once (lower latency, lower bulk throughput).
  bool send_asap = false;
  /// When no server is reachable at connect(), return a connection that keeps trying.
  bool retry_on_failed_connect = false;
  /// Threads of nats.c's process-wide delivery pool (nats_SetMessageDeliveryPoolSize),
  /// 1..64: connect() grows the pool to this size; it never shrinks.
  int delivery_threads = 1;
};

/// Connection life-cycle events, delivered to connection::on_event.
enum class conn_event : uint8_t {
  /// The link to the server was lost; nats.c is reconnecting.
  disconnected,
  /// The link is back (also: the first connect of a retry_on_failed_connect connection).
  reconnected,
  /// The connection is closed for good (close() or reconnects exhausted).
  closed,
  /// An asynchronous error, e.g. a slow consumer dropping messages or a throwing callback.
  error,
};

/// Returns the name of `x` ("disconnected", ...).
const char* to_string(conn_event x);

/// Receives connection events on a nats.c thread; must not block for long.
using event_handler = std::function<void(conn_event, const std::string& detail)>;

/// A NATS connection. Thread-safe. Every asynchronous subscription is served by nats.c's
/// global delivery thread pool (never a thread per subscription). Shared ownership: the
/// connection closes when close() is called or the last owner lets go.
class connection : public std::enable_shared_from_this<connection> {
public:
  /// Connects with `opts`. Errors: not_connected (no server), auth, tls, invalid_argument
  /// (bad option, e.g. an unreadable credentials file).
  static caf::expected<std::shared_ptr<connection>> connect(const nats_options& opts);

  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Publishes `data` to `subject` with optional `reply` (empty = none) and headers.
  /// Errors: connection_closed, insufficient_buffer (reconnect buffer full), max_payload,
  /// invalid_subject. An error means the message was not accepted; success means it was
  /// queued (or buffered during a reconnect), not that anybody received it.
  caf::error publish(std::string_view subject, std::string_view reply, const header_list& headers,
                     std::string_view data);

  /// One header of publish_fields: NUL-terminated key and value, borrowed for the call.
  struct header_field {
    const char* key;
    const char* value;
  };

  /// Like publish, without a header_list: the fields are copied straight into the nats.c
  /// message, so a sender can keep them in reused buffers (no per-message vector of
  /// strings). Same errors as publish.
  caf::error publish_fields(std::string_view subject, std::string_view reply,
                            const header_field* fields, size_t count, std::string_view data);

  /// Subscribes to `subject` (wildcards allowed), in queue group `queue` unless empty.
  /// `on_msg` runs on a delivery-pool thread, one message at a time per subscription; it
  /// should not throw (if it does, the exception is reported as conn_event::error).
  caf::expected<subscription> subscribe(const std::string& subject, const std::string& queue,
                                        std::function<void(inbound_msg&&)> on_msg);

  /// Like subscribe, but `on_view` borrows the message instead of receiving a copy: subject,
  /// reply, headers and payload point into nats.c's message, which is destroyed when the
  /// callback returns (copy what must outlive it). Plain header blocks are parsed in place
  /// without allocating. For the hot paths (the bridge's agent and reply subscriptions).
  caf::expected<subscription> subscribe_view(const std::string& subject, const std::string& queue,
                                             std::function<void(const inbound_view&)> on_view);

  /// Sends a request and blocks for the reply (tools and tests only; actors use subscribe).
  /// Errors: no_responders, timeout, plus those of publish.
  caf::expected<inbound_msg> request(std::string_view subject, const header_list& headers,
                                     std::string_view data, std::chrono::milliseconds timeout);

  /// Blocks until the server has processed everything sent so far. Errors: timeout, closed.
  caf::error flush(std::chrono::milliseconds timeout);

  /// Installs (or replaces) the event handler; thread-safe, may be called at any time.
  void on_event(event_handler handler);

  /// Adds a listener called for every event besides the on_event handler (any number of
  /// them, e.g. the bridge and the cluster actors); returns its id. Thread-safe.
  uint64_t add_listener(event_handler listener);

  /// Removes listener `id` (unknown ids are ignored). An event being delivered at that
  /// moment may still reach it once; thread-safe.
  void remove_listener(uint64_t id);

  /// True while the link to a server is up.
  bool connected() const;

  /// URL of the current server, empty when not connected.
  std::string connected_url() const;

  /// The server's max_payload in bytes (0 when not connected).
  int64_t max_payload() const;

  /// Traffic counters since connect.
  struct stats {
    uint64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0, reconnects = 0;
  };

  /// Returns the counters (zeros when nats.c cannot provide them).
  stats statistics() const;

  /// A fresh unique inbox subject ("_INBOX.<nuid>"), usable as a reply subject or prefix.
  std::string new_inbox_prefix();

  /// The nats.c handle, for other files of runtime/nats only. Owned by this object.
  natsConnection* raw() noexcept { return nc_; }

  /// Closes the connection (idempotent). Subscriptions stop delivering; publishes fail.
  void close();

  /// Internal state shared with nats.c callbacks; opaque outside connection.cpp.
  struct event_hub;

private:
  friend class kv_bucket; // reports watcher errors through hub_

  connection();
  /// subscribe/subscribe_view's common part; takes ownership of `st`.
  caf::expected<subscription> subscribe_state(const std::string& subject,
                                              const std::string& queue, subscription::state* st);

  natsConnection* nc_ = nullptr;
  std::shared_ptr<event_hub> hub_;
};

} // namespace smith::nats
