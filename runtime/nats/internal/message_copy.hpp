// Conversions between natsMsg and plain values (internal to runtime/nats).
#pragma once

#include <cstdlib>
#include <string_view>

#include <caf/expected.hpp>
#include <nats/nats.h>

#include "runtime/nats/header_list.hpp"
#include "runtime/nats/inbound_msg.hpp"

namespace smith::nats::internal {

/// Calls `f(key, value)` (both `const char*`, valid until `msg` is destroyed) for every
/// header value of `msg`, in nats.c's order, through nats.c's header API. Nothing when the
/// message has no headers or nats.c cannot list them.
template <class F>
void for_each_header(natsMsg* msg, F&& f) {
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK)
    return;
  for (int i = 0; i < count; ++i) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(msg, keys[i], &values, &n) == NATS_OK) {
      for (int j = 0; j < n; ++j)
        f(keys[i], values[j]);
      free(static_cast<void*>(values));
    }
  }
  free(static_cast<void*>(keys));
}

/// Copies subject, reply, headers, data and the no-responders flag out of `msg`.
/// Does not destroy `msg`. May throw std::bad_alloc.
inbound_msg copy_message(natsMsg* msg);

/// A new natsMsg with `headers`; the caller destroys it. Errors: invalid_subject, ...
caf::expected<natsMsg*> make_message(std::string_view subject, std::string_view reply,
                                     const header_list& headers, std::string_view data);

} // namespace smith::nats::internal
