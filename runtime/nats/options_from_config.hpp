// The node's [nats] config section as connection options.
#pragma once

#include <string>

#include "runtime/config/node_config.hpp"
#include "runtime/nats/connection.hpp"

namespace smith::nats {

/// Options for a connection named `name` (shown by the server) from a validated `[nats]`;
/// reconnects forever.
nats_options to_nats_options(const config::nats_config& cfg, std::string name);

} // namespace smith::nats
