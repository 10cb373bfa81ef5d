// Subjects: every builder, its refusals, and the parsers' round trips.
#include <doctest/doctest.h>

#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire_code.hpp"

using namespace smith::bridge;

namespace {

template <class T>
std::string refusal(const caf::expected<T>& x) {
  REQUIRE_FALSE(x);
  CHECK(code_of(x.error()) == wire_code::bad_request);
  return error_text(x.error());
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("agent, broadcast and wildcard subjects are built from valid tokens") {
  CHECK(*agent_subject("examples", "echo-1", "echo") == "agents.examples.echo-1.echo");
  CHECK(*broadcast_subject("examples", "ping") == "agents.examples._all.ping");
  CHECK(*agent_wildcard("examples", "echo") == "agents.examples.echo.*");
  CHECK(*broadcast_wildcard("examples") == "agents.examples._all.*");
  CHECK(*queue_group("examples", "echo") == "smith.examples.echo");
}

TEST_CASE("subject builders refuse bad tokens and name the token") {
  CHECK(contains(refusal(agent_subject("ex.amples", "a", "b")), "domain 'ex.amples'"));
  CHECK(contains(refusal(agent_subject("ex", "a*", "b")), "agent name 'a*'"));
  CHECK(contains(refusal(agent_subject("ex", "a", "")), "action '' must not be empty"));
  CHECK(contains(refusal(agent_subject("ex", "a", "go fast")), "action 'go fast'"));
  CHECK(contains(refusal(agent_subject("ex", "a", "x>")), "'>'"));
  CHECK(contains(refusal(agent_subject("ex", "_all", "b")), "starts with '_'"));
  CHECK(contains(refusal(agent_subject("ex", "a", "_b")), "action '_b' starts with '_'"));
  CHECK(contains(refusal(broadcast_subject("ex", "_x")), "action '_x'"));
  CHECK(contains(refusal(agent_wildcard("ex", "_x")), "agent name '_x'"));
  CHECK(contains(refusal(broadcast_wildcard("")), "domain ''"));
  CHECK(contains(refusal(queue_group("ex", "_p")), "pool name '_p'"));
  CHECK(contains(refusal(agent_subject("ex", std::string(129, 'a'), "b")), "129 bytes"));
  CHECK(contains(refusal(agent_subject("ex", std::string("a\nb"), "b")), "\\x0a"));
}

TEST_CASE("agent subjects parse back into their target") {
  auto t = parse_agent_subject(*agent_subject("examples", "echo-1", "echo"));
  REQUIRE(t);
  CHECK(t->kind == target_kind::direct_or_pool);
  CHECK(t->domain == "examples");
  CHECK(t->name == "echo-1");
  CHECK(t->action == "echo");
  auto b = parse_agent_subject(*broadcast_subject("examples", "ping"));
  REQUIRE(b);
  CHECK(b->kind == target_kind::broadcast);
  CHECK(b->name == "_all");
  CHECK(b->action == "ping");
}

TEST_CASE("malformed agent subjects are refused with bad_request") {
  for (auto s : {"", "agents", "agents.ex.a", "agents.ex.a.b.c", "agent.ex.a.b", "x.ex.a.b",
                 "agents..a.b", "agents.ex..b", "agents.ex.a.", ".agents.ex.a", "agents.ex.a.*",
                 "agents.ex.*.b", "agents.ex.>", "agents.ex._x.b", "agents.ex.a._b",
                 "agents.ex._all._b", "agents.e x.a.b"})
    refusal(parse_agent_subject(s));
  CHECK(contains(refusal(parse_agent_subject("agents.ex._x.b")), "agent name '_x'"));
  CHECK(contains(refusal(parse_agent_subject("agents.ex.a.*")), "action '*'"));
}

TEST_CASE("reply subjects carry a correlation id under the node's prefix") {
  auto prefix = reply_prefix("node-a", "k3J9");
  REQUIRE(prefix);
  CHECK(*prefix == "_INBOX.smith.node-a.k3J9");
  CHECK(*reply_wildcard(*prefix) == "_INBOX.smith.node-a.k3J9.*");
  auto subj = reply_subject(*prefix, 18446744073709551615ULL);
  REQUIRE(subj);
  CHECK(*subj == "_INBOX.smith.node-a.k3J9.18446744073709551615");
  auto id = parse_reply_subject(*prefix, *subj);
  REQUIRE(id);
  CHECK(*id == 18446744073709551615ULL);
  refusal(parse_reply_subject(*prefix, *prefix));
  refusal(parse_reply_subject(*prefix, *prefix + "."));
  refusal(parse_reply_subject(*prefix, *prefix + ".12x"));
  refusal(parse_reply_subject(*prefix, *prefix + ".-1"));
  refusal(parse_reply_subject(*prefix, *prefix + ".99999999999999999999"));
  refusal(parse_reply_subject(*prefix, "_INBOX.smith.node-b.k3J9.1"));
  refusal(parse_reply_subject(*prefix, *prefix + "1.1"));
  refusal(reply_prefix("a.b", "n"));
  refusal(reply_prefix("a", ""));
  refusal(reply_subject("_INBOX.other.a.n", 1));
  refusal(reply_subject("_INBOX.smith.a", 1));
  refusal(reply_wildcard("_INBOX.smith.a.n.x"));
}

TEST_CASE("cluster subjects name their node and parse back") {
  CHECK(*heartbeat_subject("n1") == "smith.cluster.hb.n1");
  CHECK(heartbeat_wildcard() == "smith.cluster.hb.*");
  CHECK(*leave_subject("n1") == "smith.cluster.leave.n1");
  CHECK(leave_wildcard() == "smith.cluster.leave.*");
  CHECK(*registry_events_subject("n1") == "smith.registry.events.n1");
  CHECK(registry_events_wildcard() == "smith.registry.events.*");
  CHECK(*registry_sync_subject("n1") == "smith.registry.sync.n1");
  for (auto [subj, ch] : {std::pair{*heartbeat_subject("n1"), node_channel::heartbeat},
                          std::pair{*leave_subject("n1"), node_channel::leave},
                          std::pair{*registry_events_subject("n1"), node_channel::registry_events},
                          std::pair{*registry_sync_subject("n1"), node_channel::registry_sync}}) {
    auto p = parse_node_subject(subj);
    REQUIRE(p);
    CHECK(p->channel == ch);
    CHECK(p->node == "n1");
  }
  CHECK(contains(refusal(heartbeat_subject("n.1")), "node 'n.1'"));
  refusal(leave_subject(""));
  refusal(registry_events_subject("*"));
  refusal(registry_sync_subject(">"));
  for (auto s : {"smith.cluster.hb", "smith.cluster.hb.*", "smith.cluster.x.n",
                 "smith.registry.events.a.b", "other.cluster.hb.n"})
    refusal(parse_node_subject(s));
}

TEST_CASE("services protocol subjects follow ADR-32") {
  CHECK(*srv_subject(srv_verb::ping) == "$SRV.PING");
  CHECK(*srv_subject(srv_verb::info, "smith") == "$SRV.INFO.smith");
  CHECK(*srv_subject(srv_verb::stats, "smith", "abc123") == "$SRV.STATS.smith.abc123");
  CHECK(contains(refusal(srv_subject(srv_verb::ping, "", "abc")), "without a service name"));
  refusal(srv_subject(srv_verb::ping, "a.b"));
  refusal(srv_subject(srv_verb::ping, "smith", "x y"));
}

TEST_CASE("KV keys join node and instance from KV-safe tokens") {
  CHECK(*kv_key("node-1", "0f8e2c9a-1b2c-4d3e-8f90-123456789abc")
        == "node-1.0f8e2c9a-1b2c-4d3e-8f90-123456789abc");
  CHECK(contains(refusal(kv_key("node@1", "x")), "not allowed in a KV key"));
  CHECK(contains(refusal(kv_key("n", "in:st")), "instance 'in:st'"));
  refusal(kv_key("", "x"));
  refusal(kv_key("n", "a.b"));
}
