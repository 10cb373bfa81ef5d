// Building and parsing of Smith's subjects.
#include "runtime/bridge/subject.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "runtime/bridge/wire.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/core/token.hpp"

namespace smith::bridge {

namespace {

constexpr std::string_view broadcast_name = "_all";
constexpr std::string_view inbox_head = "_INBOX.smith.";

caf::error bad(std::string text) {
  return caf::make_error(wire_code::bad_request, std::move(text));
}

/// Checks one token; `routable` names (agent, pool, action) may not start with '_'.
std::optional<caf::error> check(std::string_view what, std::string_view tok,
                                bool routable = false) {
  if (auto why = token_error(tok))
    return bad(std::string{what} + " " + quote(tok) + " " + *why);
  if (routable && tok.front() == '_')
    return bad(std::string{what} + " " + quote(tok)
               + " starts with '_' (reserved for routing, e.g. _all)");
  return std::nullopt;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos)
      return out;
    start = dot + 1;
  }
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (!out.empty())
      out += '.';
    out += p;
  }
  return out;
}

caf::expected<std::string> node_based(std::string_view head, std::string_view node) {
  if (auto err = check("node", node))
    return std::move(*err);
  return join({head, node});
}

} // namespace

caf::expected<std::string> agent_subject(std::string_view domain, std::string_view name,
                                         std::string_view action) {
  if (auto err = check("domain", domain))
    return std::move(*err);
  if (auto err = check("agent name", name, true))
    return std::move(*err);
  if (auto err = check("action", action, true))
    return std::move(*err);
  return join({"agents", domain, name, action});
}

caf::expected<std::string> broadcast_subject(std::string_view domain, std::string_view action) {
  if (auto err = check("domain", domain))
    return std::move(*err);
  if (auto err = check("action", action, true))
    return std::move(*err);
  return join({"agents", domain, broadcast_name, action});
}

caf::expected<std::string> agent_wildcard(std::string_view domain, std::string_view name) {
  if (auto err = check("domain", domain))
    return std::move(*err);
  if (auto err = check("agent name", name, true))
    return std::move(*err);
  return join({"agents", domain, name, "*"});
}

caf::expected<std::string> broadcast_wildcard(std::string_view domain) {
  if (auto err = check("domain", domain))
    return std::move(*err);
  return join({"agents", domain, broadcast_name, "*"});
}

caf::expected<std::string> queue_group(std::string_view domain, std::string_view pool) {
  if (auto err = check("domain", domain))
    return std::move(*err);
  if (auto err = check("pool name", pool, true))
    return std::move(*err);
  return join({"smith", domain, pool});
}

caf::expected<agent_target> parse_agent_subject(std::string_view subject) {
  // Split without a vector: this runs for every inbound agent message.
  std::string_view toks[4];
  size_t n = 0;
  for (size_t start = 0; n < 5;) {
    auto dot = subject.find('.', start);
    if (n == 4) { // a fifth token
      n = 5;
      break;
    }
    toks[n++] = subject.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  if (n != 4 || toks[0] != "agents")
    return bad("subject " + quote(subject)
               + " is not agents.{domain}.{name}.{action} (4 tokens, first 'agents')");
  if (auto err = check("domain", toks[1]))
    return std::move(*err);
  agent_target t;
  if (toks[2] == broadcast_name) {
    t.kind = target_kind::broadcast;
  } else if (auto err = check("agent name", toks[2], true)) {
    return std::move(*err);
  }
  if (auto err = check("action", toks[3], true))
    return std::move(*err);
  t.domain = toks[1];
  t.name = toks[2];
  t.action = toks[3];
  return t;
}

caf::expected<std::string> reply_prefix(std::string_view node, std::string_view nonce) {
  if (auto err = check("node", node))
    return std::move(*err);
  if (auto err = check("reply nonce", nonce))
    return std::move(*err);
  return join({"_INBOX", "smith", node, nonce});
}

namespace {

std::optional<caf::error> check_prefix(std::string_view prefix) {
  auto toks = split(prefix);
  if (toks.size() != 4 || prefix.substr(0, inbox_head.size()) != inbox_head)
    return bad("reply prefix " + quote(prefix) + " is not _INBOX.smith.{node}.{nonce}");
  if (auto err = check("node", toks[2]))
    return err;
  return check("reply nonce", toks[3]);
}

} // namespace

caf::expected<std::string> reply_subject(std::string_view prefix, uint64_t correlation) {
  if (auto err = check_prefix(prefix))
    return std::move(*err);
  return std::string{prefix} + "." + std::to_string(correlation);
}

caf::expected<std::string> reply_wildcard(std::string_view prefix) {
  if (auto err = check_prefix(prefix))
    return std::move(*err);
  return std::string{prefix} + ".*";
}

caf::expected<uint64_t> parse_reply_subject(std::string_view prefix, std::string_view subject) {
  auto fail = [&] {
    return bad("reply subject " + quote(subject) + " is not " + quote(prefix)
               + ".{correlation}");
  };
  if (subject.size() <= prefix.size() + 1 || subject.substr(0, prefix.size()) != prefix
      || subject[prefix.size()] != '.')
    return fail();
  auto tail = subject.substr(prefix.size() + 1);
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), id);
  if (ec != std::errc{} || end != tail.data() + tail.size())
    return fail();
  return id;
}

caf::expected<std::string> heartbeat_subject(std::string_view node) {
  return node_based("smith.cluster.hb", node);
}

std::string heartbeat_wildcard() {
  return "smith.cluster.hb.*";
}

caf::expected<std::string> leave_subject(std::string_view node) {
  return node_based("smith.cluster.leave", node);
}

std::string leave_wildcard() {
  return "smith.cluster.leave.*";
}

caf::expected<std::string> registry_events_subject(std::string_view node) {
  return node_based("smith.registry.events", node);
}

std::string registry_events_wildcard() {
  return "smith.registry.events.*";
}

caf::expected<std::string> registry_sync_subject(std::string_view node) {
  return node_based("smith.registry.sync", node);
}

caf::expected<node_subject> parse_node_subject(std::string_view subject) {
  auto toks = split(subject);
  auto fail = [&] {
    return bad("subject " + quote(subject)
               + " is not smith.cluster.{hb,leave}.{node} or smith.registry.{events,sync}.{node}");
  };
  if (toks.size() != 4 || toks[0] != "smith")
    return fail();
  node_subject out;
  if (toks[1] == "cluster" && toks[2] == "hb")
    out.channel = node_channel::heartbeat;
  else if (toks[1] == "cluster" && toks[2] == "leave")
    out.channel = node_channel::leave;
  else if (toks[1] == "registry" && toks[2] == "events")
    out.channel = node_channel::registry_events;
  else if (toks[1] == "registry" && toks[2] == "sync")
    out.channel = node_channel::registry_sync;
  else
    return fail();
  if (auto err = check("node", toks[3]))
    return std::move(*err);
  out.node = toks[3];
  return out;
}

caf::expected<std::string> srv_subject(srv_verb verb, std::string_view service,
                                       std::string_view id) {
  std::string_view v = verb == srv_verb::ping   ? "PING"
                       : verb == srv_verb::info ? "INFO"
                                                : "STATS";
  if (service.empty() && !id.empty())
    return bad("service id " + quote(id) + " given without a service name");
  if (service.empty())
    return join({"$SRV", v});
  if (auto err = check("service name", service))
    return std::move(*err);
  if (id.empty())
    return join({"$SRV", v, service});
  if (auto err = check("service id", id))
    return std::move(*err);
  return join({"$SRV", v, service, id});
}

caf::expected<std::string> kv_key(std::string_view node, std::string_view instance) {
  auto kv_check = [](std::string_view what, std::string_view tok) -> std::optional<caf::error> {
    if (auto err = check(what, tok))
      return err;
    for (size_t i = 0; i < tok.size(); ++i) {
      auto c = tok[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '=' || c == '/';
      if (!ok)
        return bad(std::string{what} + " " + quote(tok) + " has byte " + quote(tok.substr(i, 1))
                   + " at offset " + std::to_string(i)
                   + ", not allowed in a KV key (A-Z a-z 0-9 - _ = /)");
    }
    return std::nullopt;
  };
  if (auto err = kv_check("node", node))
    return std::move(*err);
  if (auto err = kv_check("instance", instance))
    return std::move(*err);
  return join({node, instance});
}

} // namespace smith::bridge
