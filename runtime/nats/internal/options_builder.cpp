// nats_options -> natsOptions, with the connection callbacks wired.
#include "runtime/nats/internal/options_builder.hpp"

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "runtime/nats/internal/event_hub.hpp"
#include "runtime/nats/nats_errc.hpp"

namespace smith::nats::internal {

namespace {

using hub_t = connection::event_hub;

// nats.c's default caps each subscription at 65536 messages; subscriptions raise it again.
constexpr int max_pending_msgs = 1'000'000;

/// Grows nats.c's global delivery pool to `n` threads (1..64). Its default is one thread
/// for every subscription of the process; with inline dispatch (runtime/core/
/// inline_executor.hpp) agents' handlers run on these threads, so more than one confines a
/// slow handler to its share (nats.c assigns subscriptions round-robin).
natsStatus options_size_delivery_pool(int n) {
  return nats_SetMessageDeliveryPoolSize(std::clamp(n, 1, 64));
}

std::string last_error_of(natsConnection* nc) {
  const char* text = nullptr;
  natsConnection_GetLastError(nc, &text);
  return text != nullptr ? text : "";
}

void on_disconnected(natsConnection* nc, void* closure) {
  static_cast<hub_t*>(closure)->emit(conn_event::disconnected, last_error_of(nc));
}

void on_reconnected(natsConnection* nc, void* closure) {
  char url[512] = {0};
  natsConnection_GetConnectedUrl(nc, url, sizeof(url));
  static_cast<hub_t*>(closure)->emit(conn_event::reconnected, url);
}

void on_closed(natsConnection* nc, void* closure) {
  auto* hub = static_cast<hub_t*>(closure);
  hub->emit(conn_event::closed, last_error_of(nc));
  // Notified under the lock: the connection's destructor frees the hub as soon as it sees
  // `closed`, so nothing may touch the hub after the unlock.
  std::lock_guard guard{hub->mtx};
  hub->closed = true;
  hub->cv.notify_all();
}

void on_error(natsConnection*, natsSubscription* sub, natsStatus err, void* closure) {
  std::string detail = natsStatus_GetText(err);
  if (sub != nullptr) {
    if (auto* subject = natsSubscription_GetSubject(sub))
      detail += std::string{" on '"} + subject + "'";
    int64_t dropped = 0;
    if (natsSubscription_GetDropped(sub, &dropped) == NATS_OK && dropped > 0)
      detail += " (" + std::to_string(dropped) + " messages dropped so far)";
  }
  static_cast<hub_t*>(closure)->emit(conn_event::error, detail);
}

int clamp_int(int64_t x) {
  return x > INT_MAX ? INT_MAX : static_cast<int>(x);
}

natsStatus set_auth(natsOptions* o, const nats_options& opts, hub_t*) {
  natsStatus s = NATS_OK;
  if (!opts.user.empty())
    s = natsOptions_SetUserInfo(o, opts.user.c_str(), opts.password.c_str());
  if (s == NATS_OK && !opts.token.empty())
    s = natsOptions_SetToken(o, opts.token.c_str());
  if (s == NATS_OK && !opts.credentials_file.empty())
    s = natsOptions_SetUserCredentialsFromFiles(o, opts.credentials_file.c_str(), nullptr);
  return s;
}

bool wants_tls(const nats_options& opts) {
  if (!opts.tls_ca.empty() || !opts.tls_cert.empty())
    return true;
  for (auto& url : opts.urls)
    if (url.rfind("tls://", 0) == 0)
      return true;
  return false;
}

natsStatus set_tls(natsOptions* o, const nats_options& opts, hub_t*) {
  if (!wants_tls(opts))
    return NATS_OK;
  auto s = natsOptions_SetSecure(o, true);
  if (s == NATS_OK && !opts.tls_ca.empty())
    s = natsOptions_LoadCATrustedCertificates(o, opts.tls_ca.c_str());
  if (s == NATS_OK && !opts.tls_cert.empty())
    s = natsOptions_LoadCertificatesChain(o, opts.tls_cert.c_str(), opts.tls_key.c_str());
  return s;
}

natsStatus set_servers(natsOptions* o, const nats_options& opts, hub_t*) {
  std::vector<const char*> urls;
  for (auto& url : opts.urls)
    urls.push_back(url.c_str());
  auto s = natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size()));
  if (s == NATS_OK && !opts.name.empty())
    s = natsOptions_SetName(o, opts.name.c_str());
  return s;
}

natsStatus set_timing(natsOptions* o, const nats_options& opts, hub_t*) {
  auto s = natsOptions_SetPingInterval(o, opts.ping_interval.count());
  if (s == NATS_OK)
    s = natsOptions_SetMaxPingsOut(o, opts.max_pings_out);
  if (s == NATS_OK)
    s = natsOptions_SetReconnectWait(o, opts.reconnect_wait.count());
  if (s == NATS_OK)
    s = natsOptions_SetMaxReconnect(o, opts.max_reconnect);
  if (s == NATS_OK)
    s = natsOptions_SetReconnectBufSize(o, clamp_int(opts.reconnect_buffer_bytes));
  if (s == NATS_OK)
    s = natsOptions_SetTimeout(o, opts.connect_timeout.count());
  if (s == NATS_OK)
    s = natsOptions_SetSendAsap(o, opts.send_asap);
  return s;
}

natsStatus set_callbacks(natsOptions* o, const nats_options& opts, hub_t* hub) {
  auto s = natsOptions_SetDisconnectedCB(o, on_disconnected, hub);
  if (s == NATS_OK)
    s = natsOptions_SetReconnectedCB(o, on_reconnected, hub);
  if (s == NATS_OK)
    s = natsOptions_SetClosedCB(o, on_closed, hub);
  if (s == NATS_OK)
    s = natsOptions_SetErrorHandler(o, on_error, hub);
  if (s == NATS_OK)
    s = options_size_delivery_pool(opts.delivery_threads);
  if (s == NATS_OK)
    s = natsOptions_UseGlobalMessageDelivery(o, true);
  if (s == NATS_OK)
    s = natsOptions_SetMaxPendingMsgs(o, max_pending_msgs);
  if (s == NATS_OK && opts.retry_on_failed_connect)
    s = natsOptions_SetRetryOnFailedConnect(o, true, on_reconnected, hub);
  return s;
}

} // namespace

caf::expected<natsOptions*> build_options(const nats_options& opts, connection::event_hub* hub) {
  if (opts.urls.empty())
    return make_nats_error(nats_errc::invalid_argument, "connect: no server URL given");
  natsOptions* o = nullptr;
  auto s = natsOptions_Create(&o);
  if (s != NATS_OK)
    return make_nats_error(s, "connect: cannot create options");
  struct step {
    const char* what;
    natsStatus (*apply)(natsOptions*, const nats_options&, hub_t*);
  };
  static constexpr step steps[] = {{"server URLs", set_servers}, {"credentials", set_auth},
                                   {"TLS", set_tls},             {"timing options", set_timing},
                                   {"callbacks", set_callbacks}};
  const char* failed_step = "";
  for (auto& st : steps) {
    if (s = st.apply(o, opts, hub); s != NATS_OK) {
      failed_step = st.what;
      break;
    }
  }
  if (s != NATS_OK) {
    auto err = make_nats_error(s, std::string{"connect: invalid "} + failed_step);
    natsOptions_Destroy(o);
    return err;
  }
  return o;
}

} // namespace smith::nats::internal
