// One message received from NATS, borrowed from nats.c for the duration of a callback.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "runtime/nats/inbound_msg.hpp"

namespace smith::nats {

/// Headers borrowed from a received message, in arrival order; a key may repeat.
using header_refs = std::vector<std::pair<std::string_view, std::string_view>>;

/// The first value of `key` (case-sensitive) in `hs`, or nullptr.
inline const std::string_view* find_header(const header_refs& hs, std::string_view key) {
  for (auto& [k, v] : hs)
    if (k == key)
      return &v;
  return nullptr;
}

/// A received message whose bytes still belong to nats.c (connection::subscribe_view):
/// valid only while the callback runs; copy what must outlive it (to_msg()).
struct inbound_view {
  std::string_view subject;
  /// Empty when none.
  std::string_view reply;
  const header_refs* headers = nullptr;
  std::string_view data;
  /// True for the server's "no responders" status message (503) on a request's inbox.
  bool no_responders = false;

  /// An owning copy.
  inbound_msg to_msg() const {
    inbound_msg m;
    m.subject = subject;
    m.reply = reply;
    m.data = data;
    m.no_responders = no_responders;
    if (headers != nullptr)
      for (auto& [k, v] : *headers)
        m.headers.emplace_back(k, v);
    return m;
  }
};

} // namespace smith::nats
