// Helpers of the NATS adapter tests: a connection to a fixture server and bounded waits.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nats/nats.h>

#include "runtime/nats/connection.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/nats_server.hpp"

namespace smith::nats::test {

using namespace std::chrono_literals;

using smith::test::eventually;

/// A server without JetStream.
inline smith::test::nats_server_options core_only() {
  smith::test::nats_server_options opts;
  opts.jetstream = false;
  return opts;
}

/// Options for a fast-reacting client of `server`.
inline nats_options options_for(const smith::test::nats_server& server, std::string name = "test") {
  nats_options opts;
  opts.urls = {server.url()};
  opts.name = std::move(name);
  opts.reconnect_wait = std::chrono::milliseconds{50};
  opts.connect_timeout = std::chrono::milliseconds{1000};
  return opts;
}

/// Connects to `server`, failing the test on error.
inline std::shared_ptr<connection> connect_to(const smith::test::nats_server& server,
                                              std::string name = "test") {
  auto conn = connection::connect(options_for(server, std::move(name)));
  REQUIRE_MESSAGE(conn, "connect failed: ", caf::to_string(conn.error()));
  return std::move(*conn);
}

/// The nats_errc of `err` (none when `err` is empty or of another category).
inline nats_errc errc_of(const caf::error& err) {
  if (!err || err.category() != caf::atom("smith_nats"))
    return nats_errc::none;
  return static_cast<nats_errc>(err.code());
}

/// The text of a nats error (its single string context).
inline std::string text_of(const caf::error& err) {
  if (err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return {};
}

/// Collects values from callback threads.
template <class T>
struct collector {
  std::mutex mtx;
  std::vector<T> items;

  void add(T x) {
    std::lock_guard guard{mtx};
    items.push_back(std::move(x));
  }
  size_t size() {
    std::lock_guard guard{mtx};
    return items.size();
  }
  std::vector<T> snapshot() {
    std::lock_guard guard{mtx};
    return items;
  }
};

/// A synchronous subscription on `subject` of `conn`, to read received natsMsg exactly as
/// nats.c holds them (next() fails the test after 2 s without a message).
struct sync_sub {
  natsSubscription* sub = nullptr;
  sync_sub(connection& conn, const std::string& subject) {
    REQUIRE(natsConnection_SubscribeSync(&sub, conn.raw(), subject.c_str()) == NATS_OK);
    REQUIRE(natsConnection_Flush(conn.raw()) == NATS_OK);
  }
  ~sync_sub() { natsSubscription_Destroy(sub); }
  sync_sub(const sync_sub&) = delete;
  sync_sub& operator=(const sync_sub&) = delete;
  natsMsg* next() {
    natsMsg* m = nullptr;
    REQUIRE(natsSubscription_NextMsg(&m, sub, 2000) == NATS_OK);
    return m;
  }
};

} // namespace smith::nats::test
