// The node's [nats] config section as connection options.
#include "runtime/nats/options_from_config.hpp"

namespace smith::nats {

nats_options to_nats_options(const config::nats_config& cfg, std::string name) {
  nats_options result;
  result.urls = cfg.urls;
  result.name = std::move(name);
  result.user = cfg.user;
  result.password = cfg.password;
  result.token = cfg.token;
  result.credentials_file = cfg.credentials;
  result.tls_ca = cfg.tls_ca;
  result.tls_cert = cfg.tls_cert;
  result.tls_key = cfg.tls_key;
  result.ping_interval = cfg.ping_interval;
  result.max_pings_out = static_cast<int>(cfg.max_pings_out);
  result.reconnect_wait = cfg.reconnect_wait;
  result.max_reconnect = -1;
  result.reconnect_buffer_bytes = cfg.reconnect_buffer_bytes;
  result.connect_timeout = cfg.connect_timeout;
  result.delivery_threads = static_cast<int>(cfg.delivery_threads);
  return result;
}

} // namespace smith::nats
