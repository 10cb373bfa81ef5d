// Reader of the [http] section: the node's HTTP endpoint (loopback unless allowed otherwise).
#include <arpa/inet.h>

#include <optional>
#include <string_view>

#include "runtime/config/internal/section_readers.hpp"

namespace smith::config::internal {

namespace {

/// A parsed `listen` value: host as getaddrinfo takes it (IPv6 without brackets), port.
struct http_listen_addr {
  std::string host;
  uint16_t port = 0;
  bool loopback = false;
};

/// Parses "ipv4:port", "localhost:port" or "[ipv6]:port"; `why` says what is wrong otherwise.
std::optional<http_listen_addr> http_parse_listen(std::string_view text, std::string& why) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    why = "needs a port (host:port, port 0 = any free port)";
    return std::nullopt;
  }
  auto host = text.substr(0, colon);
  auto port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos
      || std::stoi(std::string{port}) > 65535) {
    why = "has an invalid port '" + std::string{port} + "' (0..65535)";
    return std::nullopt;
  }
  http_listen_addr out;
  out.port = static_cast<uint16_t>(std::stoi(std::string{port}));
  in_addr v4{};
  in6_addr v6{};
  if (host == "localhost") {
    out.host = "127.0.0.1";
    out.loopback = true;
  } else if (inet_pton(AF_INET, std::string{host}.c_str(), &v4) == 1) {
    out.host = std::string{host};
    out.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  } else if (host.size() > 2 && host.front() == '[' && host.back() == ']'
             && inet_pton(AF_INET6, std::string{host.substr(1, host.size() - 2)}.c_str(), &v6)
                  == 1) {
    out.host = std::string{host.substr(1, host.size() - 2)};
    out.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    why = "has an invalid host '" + std::string{host}
          + "' (an IPv4 address, [IPv6 address] or localhost)";
    return std::nullopt;
  }
  return out;
}

} // namespace

void read_http(toml_reader& r, const toml::table& doc, http_config& out) {
  auto* tbl = r.table(doc, "http");
  if (!tbl)
    return;
  r.check_keys(*tbl, {"enabled", "listen", "allow_remote", "threads"}, "in [http]");
  if (auto b = r.boolean(*tbl, "enabled", "[http]"))
    out.enabled = *b;
  if (auto b = r.boolean(*tbl, "allow_remote", "[http]"))
    out.allow_remote = *b;
  if (auto n = r.integer(*tbl, "threads", 1, 64))
    out.threads = static_cast<uint32_t>(*n);
  auto text = r.string(*tbl, "listen");
  if (!text)
    return;
  auto* where = tbl->get("listen");
  std::string why;
  auto addr = http_parse_listen(*text, why);
  if (!addr) {
    r.fail(config_errc::invalid_value, where->source(),
           "[http] listen address '" + *text + "' " + why);
    return;
  }
  if (!addr->loopback && !out.allow_remote && out.enabled) {
    r.fail(config_errc::invalid_value, where->source(),
           "[http] listen address '" + *text
             + "' is not a loopback address: /metrics and the dashboard would be reachable "
               "from other hosts; set allow_remote = true in [http] if that is intended");
    return;
  }
  out.host = addr->host;
  out.port = addr->port;
}

} // namespace smith::config::internal
