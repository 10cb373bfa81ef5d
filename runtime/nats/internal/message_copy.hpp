// Conversions between natsMsg and plain values (internal to runtime/nats).
#pragma once

#include <string_view>

#include <caf/expected.hpp>
#include <nats/nats.h>

#include "runtime/nats/header_list.hpp"
#include "runtime/nats/inbound_msg.hpp"

namespace smith::nats::internal {

/// Copies subject, reply, headers, data and the no-responders flag out of `msg`.
/// Does not destroy `msg`. May throw std::bad_alloc.
inbound_msg copy_message(natsMsg* msg);

/// A new natsMsg with `headers`; the caller destroys it. Errors: invalid_subject, ...
caf::expected<natsMsg*> make_message(std::string_view subject, std::string_view reply,
                                     const header_list& headers, std::string_view data);

} // namespace smith::nats::internal
