// Helpers of the cross-language tests: the Node.js client's folder, and waiting for an agent.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "runtime/bridge/wire.hpp"
#include "runtime/nats/connection.hpp"

namespace smith::test {

/// tests/interop/node: the Node.js client and its npm packages.
inline std::filesystem::path interop_dir() {
  return std::filesystem::path{SMITH_TEST_SOURCE_DIR} / "tests" / "interop" / "node";
}

/// Polls `subject` over NATS with a request of protobuf type `type` (bytes `body`) until an
/// agent answers it without an error (smithd subscribes after its agents register); false
/// after 15 s.
inline bool wait_for_agent(const std::string& url, const std::string& subject,
                           const std::string& type, const std::string& body) {
  using namespace std::chrono_literals;
  nats::nats_options o;
  o.urls = {url};
  auto conn = nats::connection::connect(o);
  if (!conn)
    return false;
  auto until = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < until) {
    auto hs = bridge::request_headers(type, std::chrono::system_clock::now() + 1s, {}, {}, {});
    auto r = (*conn)->request(subject, hs, body, 1000ms);
    if (r && !r->no_responders && !nats::find_header(r->headers, bridge::header::service_error_code))
      return true;
    std::this_thread::sleep_for(20ms); // poll interval, not synchronisation
  }
  return false;
}

} // namespace smith::test
