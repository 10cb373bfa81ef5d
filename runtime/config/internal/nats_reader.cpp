// Readers of the [nats] and [cluster] sections.
#include <cctype>
#include <optional>
#include <string_view>

#include "runtime/config/internal/section_readers.hpp"

namespace smith::config::internal {

namespace {

bool all_of(std::string_view s, bool (*ok)(char)) {
  for (char c : s)
    if (!ok(c))
      return false;
  return !s.empty();
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool ipv6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

bool digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c));
}

bool bucket_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// Why `url` is not "nats://host:port" or "tls://host:port", or nullopt when it is.
std::optional<std::string> url_error(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("nats://"))
    rest = url.substr(7);
  else if (url.starts_with("tls://"))
    rest = url.substr(6);
  else
    return "must start with nats:// or tls://";
  if (rest.find('@') != std::string_view::npos)
    return "must not hold credentials (use user/password, token or credentials)";
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos)
    return "needs a port (host:port)";
  auto host = rest.substr(0, colon);
  auto port = rest.substr(colon + 1);
  bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (!(bracketed ? all_of(host.substr(1, host.size() - 2), ipv6_char) : all_of(host, host_char)))
    return "has an invalid host '" + std::string{host} + "'";
  if (!all_of(port, digit) || port.size() > 5 || std::stoi(std::string{port}) < 1
      || std::stoi(std::string{port}) > 65535)
    return "has an invalid port '" + std::string{port} + "' (1..65535)";
  return std::nullopt;
}

void read_urls(toml_reader& r, const toml::table& tbl, std::vector<std::string>& out) {
  auto* node = tbl.get("urls");
  if (!node)
    return;
  auto* array = node->as_array();
  if (!array) {
    r.fail(config_errc::wrong_type, node->source(),
           "'urls' must be an array of strings, got " + type_phrase(node->type()));
    return;
  }
  for (auto& element : *array) {
    auto* url = element.as_string();
    if (!url) {
      r.fail(config_errc::wrong_type, element.source(),
             "each entry of 'urls' must be a string, got " + type_phrase(element.type()));
    } else if (auto why = url_error(url->get())) {
      r.fail(config_errc::invalid_value, element.source(),
             "NATS URL '" + url->get() + "' " + *why);
    } else {
      out.push_back(url->get());
    }
  }
}

void read_nats_auth(toml_reader& r, const toml::table& tbl, nats_config& out) {
  for (auto [key, field] : {std::pair{"user", &out.user}, std::pair{"password", &out.password},
                            std::pair{"token", &out.token},
                            std::pair{"credentials", &out.credentials},
                            std::pair{"tls_ca", &out.tls_ca}, std::pair{"tls_cert", &out.tls_cert},
                            std::pair{"tls_key", &out.tls_key}})
    if (auto value = r.string(tbl, key))
      *field = *value;
  int methods = !out.user.empty() + !out.token.empty() + !out.credentials.empty();
  if (methods > 1)
    r.fail(config_errc::invalid_value, tbl.source(),
           "[nats] takes only one of user/password, token and credentials");
  if (out.user.empty() != out.password.empty())
    r.fail(config_errc::missing_key, tbl.source(),
           "[nats] user and password must be given together");
  if (out.tls_cert.empty() != out.tls_key.empty())
    r.fail(config_errc::missing_key, tbl.source(),
           "[nats] tls_cert and tls_key must be given together");
}

std::optional<std::chrono::milliseconds> millis(toml_reader& r, const toml::table& tbl,
                                                std::string_view key, int64_t lo, int64_t hi) {
  if (auto ms = r.integer(tbl, key, lo, hi))
    return std::chrono::milliseconds{*ms};
  return std::nullopt;
}

void read_nats_timing(toml_reader& r, const toml::table& tbl, nats_config& out) {
  if (auto ms = millis(r, tbl, "ping_interval_ms", 100, 15'000))
    out.ping_interval = *ms;
  if (auto n = r.integer(tbl, "max_pings_out", 1, 10))
    out.max_pings_out = static_cast<uint32_t>(*n);
  if (auto ms = millis(r, tbl, "reconnect_wait_ms", 0, 60'000))
    out.reconnect_wait = *ms;
  if (auto n = r.integer(tbl, "reconnect_buffer_bytes", 1024, 1 << 30))
    out.reconnect_buffer_bytes = *n;
  if (auto ms = millis(r, tbl, "connect_timeout_ms", 100, 60'000))
    out.connect_timeout = *ms;
  if (auto n = r.integer(tbl, "max_payload", 1, 8 * 1024 * 1024))
    out.max_payload = static_cast<size_t>(*n);
  if (auto n = r.integer(tbl, "delivery_threads", 1, 64))
    out.delivery_threads = static_cast<uint32_t>(*n);
  if (out.ping_interval * (out.max_pings_out + 1) > std::chrono::milliseconds{15'000})
    r.fail(config_errc::out_of_range, tbl.source(),
           "[nats] ping_interval_ms * (max_pings_out + 1) must be at most 15000 (dead-link "
           "detection), got "
             + std::to_string(out.ping_interval.count() * (out.max_pings_out + 1)));
}

} // namespace

void read_nats(toml_reader& r, const toml::table& doc, nats_config& out) {
  auto* tbl = r.table(doc, "nats");
  if (!tbl)
    return;
  r.check_keys(*tbl,
               {"urls", "user", "password", "token", "credentials", "tls_ca", "tls_cert",
                "tls_key", "ping_interval_ms", "max_pings_out", "reconnect_wait_ms",
                "reconnect_buffer_bytes", "connect_timeout_ms", "max_payload", "delivery_threads"},
               "in [nats]");
  out.where = r.position(tbl->source());
  read_urls(r, *tbl, out.urls);
  read_nats_auth(r, *tbl, out);
  read_nats_timing(r, *tbl, out);
}

void read_cluster(toml_reader& r, const toml::table& doc, cluster_config& out) {
  auto* tbl = r.table(doc, "cluster");
  if (!tbl)
    return;
  r.check_keys(*tbl,
               {"heartbeat_interval_ms", "down_after_ms", "kv_bucket", "kv_replicas",
                "kv_refresh_ms", "anti_entropy_interval_ms"},
               "in [cluster]");
  if (auto ms = millis(r, *tbl, "heartbeat_interval_ms", 10, 60'000))
    out.heartbeat_interval = *ms;
  if (auto ms = millis(r, *tbl, "down_after_ms", 20, 60'000))
    out.down_after = *ms;
  if (auto* node = tbl->get("kv_bucket"); node && node->is_string() && !node->as_string()->get().empty()
                                          && !all_of(node->as_string()->get(), bucket_char))
    r.fail(config_errc::invalid_value, node->source(),
           "KV bucket name '" + node->as_string()->get()
             + "' may only hold letters, digits, '-' and '_'");
  else if (auto name = r.string(*tbl, "kv_bucket"))
    out.kv_bucket = *name;
  if (auto n = r.integer(*tbl, "kv_replicas", 1, 5))
    out.kv_replicas = static_cast<uint32_t>(*n);
  if (auto ms = millis(r, *tbl, "kv_refresh_ms", 100, 3'600'000))
    out.kv_refresh = *ms;
  if (auto ms = millis(r, *tbl, "anti_entropy_interval_ms", 100, 3'600'000))
    out.anti_entropy_interval = *ms;
  if (out.down_after <= out.heartbeat_interval)
    r.fail(config_errc::out_of_range, tbl->source(),
           "[cluster] down_after_ms must be greater than heartbeat_interval_ms");
}

} // namespace smith::config::internal
