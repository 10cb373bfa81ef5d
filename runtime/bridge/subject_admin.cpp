// Building and parsing of the admin service's subjects (smith.admin.*).
#include "runtime/bridge/subject.hpp"

#include <array>

#include "runtime/bridge/wire.hpp"
#include "runtime/bridge/wire_code.hpp"
#include "runtime/core/token.hpp"

namespace smith::bridge {

namespace {

constexpr std::string_view admin_head = "smith.admin.";

constexpr std::array<const char*, 13> verb_names = {
  "info", "tree", "agents", "find", "inspect", "send",
  "events", "control", "domains", "load", "unload", "stats", "memory",
};

caf::error bad_admin_subject(std::string text) {
  return caf::make_error(wire_code::bad_request, std::move(text));
}

caf::expected<std::string> checked_node(std::string_view node) {
  if (auto why = token_error(node))
    return bad_admin_subject("node " + quote(node) + " " + *why);
  return std::string{node};
}

} // namespace

const char* to_string(admin_verb x) {
  auto i = static_cast<size_t>(x);
  return i < verb_names.size() ? verb_names[i] : "?";
}

caf::expected<admin_verb> parse_admin_verb(std::string_view token) {
  for (size_t i = 0; i < verb_names.size(); ++i)
    if (token == verb_names[i])
      return static_cast<admin_verb>(i);
  return bad_admin_subject("unknown admin verb " + quote(token));
}

std::string admin_ping_subject() {
  return "smith.admin.ping";
}

caf::expected<std::string> admin_subject(std::string_view node, admin_verb verb) {
  auto n = checked_node(node);
  if (!n)
    return n;
  return std::string{admin_head} + *n + "." + to_string(verb);
}

caf::expected<std::string> admin_wildcard(std::string_view node) {
  auto n = checked_node(node);
  if (!n)
    return n;
  return std::string{admin_head} + *n + ".*";
}

caf::expected<admin_target> parse_admin_subject(std::string_view subject) {
  if (subject.substr(0, admin_head.size()) != admin_head)
    return bad_admin_subject("subject " + quote(subject) + " is not smith.admin.{node}.{verb}");
  auto rest = subject.substr(admin_head.size());
  auto dot = rest.find('.');
  if (dot == std::string_view::npos)
    return bad_admin_subject("subject " + quote(subject) + " has no verb");
  auto node = checked_node(rest.substr(0, dot));
  if (!node)
    return std::move(node.error());
  auto verb = parse_admin_verb(rest.substr(dot + 1));
  if (!verb)
    return std::move(verb.error());
  return admin_target{std::move(*node), *verb};
}

} // namespace smith::bridge
