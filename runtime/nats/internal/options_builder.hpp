// nats_options -> natsOptions, with the connection callbacks wired (internal to runtime/nats).
#pragma once

#include <caf/expected.hpp>
#include <nats/nats.h>

#include "runtime/nats/connection.hpp"

namespace smith::nats::internal {

/// A new natsOptions for `opts` whose callbacks report to `hub` (which must outlive the
/// connection's closed callback). The caller destroys the result. Errors: invalid_argument,
/// tls (unreadable certificates), ...
caf::expected<natsOptions*> build_options(const nats_options& opts, connection::event_hub* hub);

} // namespace smith::nats::internal
