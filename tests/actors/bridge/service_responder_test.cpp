// The $SRV responder (NATS services protocol, ADR-32) against a real nats-server, registry,
// bridge and examples agents: PING / INFO / STATS shapes, counts, and two nodes answering.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/bridge/bridge_actor.hpp"
#include "actors/bridge/service_json.hpp"
#include "actors/bridge/service_responder.hpp"
#include "actors/registry/registry_actor.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "smith/examples/v1/examples.pb.h"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace expb = smith::examples::v1;

namespace {

const std::regex semver_re{
  R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))"
  R"((?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)"};
const std::regex name_re{"^[A-Za-z0-9_-]+$"};
const std::regex rfc3339_re{R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)"};

bool is_string_map(const json& j) {
  if (!j.is_object())
    return false;
  for (auto& [k, v] : j.items())
    if (!v.is_string())
      return false;
  return true;
}

/// The fields every ADR-32 response has, with their types.
void check_identity(const json& j, const std::string& type) {
  REQUIRE(j.is_object());
  CHECK(j.at("type") == type);
  REQUIRE(j.at("name").is_string());
  CHECK(std::regex_match(j["name"].get<std::string>(), name_re));
  CHECK(j["name"] == "smith");
  REQUIRE(j.at("id").is_string());
  CHECK_FALSE(j["id"].get<std::string>().empty());
  REQUIRE(j.at("version").is_string());
  CHECK(std::regex_match(j["version"].get<std::string>(), semver_re));
  CHECK(is_string_map(j.at("metadata")));
}

/// Checks name, subject and queue_group of one endpoint (INFO or STATS).
void check_endpoint_base(const json& e) {
  REQUIRE(e.at("name").is_string());
  CHECK(std::regex_match(e["name"].get<std::string>(), name_re));
  REQUIRE(e.at("subject").is_string());
  CHECK_FALSE(e["subject"].get<std::string>().empty());
  if (e.contains("queue_group"))
    CHECK(e["queue_group"].is_string());
}

std::shared_ptr<nats::connection> connect(const test::nats_server& srv) {
  nats::nats_options o;
  o.urls = {srv.url()};
  o.name = "service-test-client";
  auto c = nats::connection::connect(o);
  REQUIRE(c);
  return *c;
}

json request_json(nats::connection& c, const std::string& subject) {
  auto m = c.request(subject, {}, "", 5s);
  REQUIRE_MESSAGE(m, subject);
  CHECK_FALSE(nats::find_header(m->headers, "Nats-Service-Error-Code"));
  auto j = json::parse(m->data, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), m->data);
  return j;
}

/// One node in this process: actor system, registry, optional bridge, agents, responder.
struct node {
  std::string name;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  domain::domain_catalog catalog;
  std::shared_ptr<bridge::nats_link> link;
  caf::actor registry;
  caf::actor bridge_hdl;
  std::vector<caf::actor> agents;
  actors::service_responder_actor responder;
  std::string id;

  node(const test::nats_server& srv, std::string node_name, bool with_bridge) : name(node_name) {
    configure_actor_system(cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.set("scheduler.policy", caf::atom("sharing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    REQUIRE_FALSE(catalog.add(examples::examples_domain()));
    registry::registry_options ro;
    ro.node = name;
    registry = caf::actor_cast<caf::actor>(actors::spawn_registry(*sys, ro));
    config::nats_config nc;
    nc.urls = {srv.url()};
    auto l = bridge::open_link(nc, name);
    REQUIRE(l);
    link = *l;
    if (with_bridge) {
      actors::bridge_options bo;
      bo.node = name;
      bo.link = link;
      bo.catalog = &catalog;
      bo.pools = {{"examples", "echo"}};
      bridge_hdl = caf::actor_cast<caf::actor>(actors::spawn_bridge(*sys, bo));
    }
    actors::service_options so;
    so.node = name;
    so.link = link;
    so.catalog = &catalog;
    so.pools = {{"examples", "echo", "echo"}};
    auto r = actors::spawn_service_responder(*sys, so);
    REQUIRE(r);
    responder = *r;
    // The reply comes after the responder's init, which subscribed and flushed.
    caf::scoped_actor self{*sys};
    self->request(responder, 5s, actors::service_id_atom::value)
      .receive([&](std::string& x) { id = std::move(x); },
               [&](caf::error& err) { FAIL(sys->render(err)); });
  }

  void spawn_agent(const agent::agent_type& type, const std::string& agent_name) {
    agent::agent_config ac;
    ac.id = *agent::make_agent_id("examples", agent_name, type.version);
    ac.type = type.name;
    ac.capabilities = type.capabilities;
    agents.push_back(type.spawn(*sys, ac));
  }

  /// Waits until the registry lists `n` local agents.
  void await_agents(size_t n) {
    caf::scoped_actor self{*sys};
    registry::record_filter f;
    f.node = name;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    size_t have = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      self->request(caf::actor_cast<registry::registry_actor>(registry), 1s,
                    registry::list_atom::value, f)
        .receive([&](std::vector<registry::agent_record>& rs) { have = rs.size(); },
                 [&](caf::error&) {});
      if (have == n)
        return;
    }
    FAIL("registry lists " << have << " agents, want " << n);
  }

  ~node() {
    for (auto& a : agents)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    caf::anon_send_exit(responder, caf::exit_reason::kill);
    if (bridge_hdl)
      caf::anon_send_exit(bridge_hdl, caf::exit_reason::kill);
    caf::anon_send_exit(registry, caf::exit_reason::kill);
    agents.clear();
    responder = actors::service_responder_actor{};
    bridge_hdl = caf::actor{};
    registry = caf::actor{};
    sys.reset(); // waits for every actor, so no callback outlives the link
    link.reset();
  }
};

/// Calls `subject` with `req` over NATS (retrying while the bridge is not yet subscribed);
/// returns the reply message or the error.
caf::expected<nats::inbound_msg> call(nats::connection& c, const std::string& subject,
                                      const google::protobuf::Message& req) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  for (;;) {
    auto hs = bridge::request_headers(req.GetDescriptor()->full_name(),
                                      std::chrono::system_clock::now() + 5s, "", "test", "");
    auto m = c.request(subject, hs, req.SerializeAsString(), 5s);
    if (m || m.error() != nats::nats_errc::no_responders
        || std::chrono::steady_clock::now() > deadline)
      return m;
  }
}

} // namespace

TEST_CASE("service json: average processing time is truncated and 0 without requests") {
  actors::service_identity id{"smith", "abc", "1.0.0", {}};
  std::vector<actors::service_endpoint> eps{{"a", "agents.d.a.x", "", {}},
                                            {"b", "agents.d.b.x", "smith.d.b", {}}};
  std::vector<bridge::endpoint_stat> st{{"agents.d.a.x", 3, 1, "boom", 10, {}}};
  auto j = json::parse(actors::stats_json(id, bridge::wall_time{}, eps, st));
  check_identity(j, "io.nats.micro.v1.stats_response");
  CHECK(j["started"] == "1970-01-01T00:00:00.000000000Z");
  REQUIRE(j["endpoints"].size() == 2);
  auto& a = j["endpoints"][0];
  CHECK(a["num_requests"] == 3);
  CHECK(a["num_errors"] == 1);
  CHECK(a["last_error"] == "boom");
  CHECK(a["processing_time"] == 10);
  CHECK(a["average_processing_time"] == 3);
  CHECK_FALSE(a.contains("queue_group"));
  auto& b = j["endpoints"][1];
  CHECK(b["num_requests"] == 0);
  CHECK(b["average_processing_time"] == 0);
  CHECK(b["last_error"] == "");
  CHECK(b["queue_group"] == "smith.d.b");
}

TEST_CASE("service json: endpoint names keep only letters, digits, '-' and '_'") {
  CHECK(actors::endpoint_name("examples-echo-1-echo") == "examples-echo-1-echo");
  CHECK(actors::endpoint_name("a@b:c/d") == "a_b_c_d");
  CHECK(actors::endpoint_name("") == "_");
  CHECK(actors::rfc3339(bridge::wall_time{std::chrono::seconds{86400 + 3661}}
                        + std::chrono::nanoseconds{5})
        == "1970-01-02T01:01:01.000000005Z");
}

TEST_CASE("spawn_service_responder refuses options it cannot serve with") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  domain::domain_catalog catalog;
  actors::service_options o;
  o.node = "n1";
  o.catalog = &catalog;
  auto r = actors::spawn_service_responder(sys, o);
  REQUIRE_FALSE(r);
  CHECK(sys.render(r.error()).find("no NATS link") != std::string::npos);
  test::nats_server srv;
  config::nats_config nc;
  nc.urls = {srv.url()};
  o.link = *bridge::open_link(nc, "n1");
  o.version = "1.0";
  r = actors::spawn_service_responder(sys, o);
  REQUIRE_FALSE(r);
  CHECK(sys.render(r.error()).find("not SemVer") != std::string::npos);
  o.version = "1.0.0";
  o.node = "bad.node";
  CHECK_FALSE(actors::spawn_service_responder(sys, o));
}

TEST_CASE("every PING subject form answers an ADR-32 ping_response") {
  test::nats_server srv;
  node n{srv, "node-a", false};
  auto client = connect(srv);
  for (const auto& subject :
       std::vector<std::string>{"$SRV.PING", "$SRV.PING.smith", "$SRV.PING.smith." + n.id}) {
    CAPTURE(subject);
    auto j = request_json(*client, subject);
    check_identity(j, "io.nats.micro.v1.ping_response");
    CHECK(j["id"] == n.id);
    CHECK(j["metadata"] == json{{"node", "node-a"}});
  }
  // Another id is somebody else's: nobody answers.
  auto m = client->request("$SRV.PING.smith.other", {}, "", 2s);
  REQUIRE_FALSE(m);
  CHECK(m.error() == nats::nats_errc::no_responders);
}

TEST_CASE("INFO lists one endpoint per local agent action and per hosted pool action") {
  test::nats_server srv;
  node n{srv, "node-a", true};
  n.spawn_agent(examples::echo_type(), "echo-1");
  n.spawn_agent(examples::counter_type(), "counter-1");
  n.await_agents(2);
  auto client = connect(srv);
  for (const auto& subject :
       std::vector<std::string>{"$SRV.INFO", "$SRV.INFO.smith", "$SRV.INFO.smith." + n.id}) {
    CAPTURE(subject);
    auto j = request_json(*client, subject);
    check_identity(j, "io.nats.micro.v1.info_response");
    CHECK(j.at("description").is_string());
    REQUIRE(j.at("endpoints").is_array());
    std::map<std::string, json> by_subject;
    for (auto& e : j["endpoints"]) {
      check_endpoint_base(e);
      CHECK(is_string_map(e.at("metadata")));
      by_subject[e["subject"]] = e;
    }
    // echo-1: echo; counter-1: add, get, reset; pool echo: echo.
    CHECK(by_subject.size() == 5);
    REQUIRE(by_subject.count("agents.examples.echo-1.echo"));
    auto& direct = by_subject["agents.examples.echo-1.echo"];
    CHECK(direct["name"] == "examples-echo-1-echo");
    CHECK_FALSE(direct.contains("queue_group"));
    auto& md = direct["metadata"];
    CHECK(md["domain"] == "examples");
    CHECK(md["agent"] == "echo-1");
    CHECK(md["agent_type"] == "echo");
    CHECK(md["agent_version"] == examples::examples_version);
    CHECK(md["capabilities"] == std::string{"echo@"} + examples::examples_version);
    CHECK(md["request_type"] == "smith.examples.v1.EchoRequest");
    CHECK(md["response_type"] == "smith.examples.v1.EchoReply");
    CHECK(md["node"] == "node-a");
    CHECK(md["instance"].get<std::string>().size() == 36);
    for (auto a : {"add", "get", "reset"})
      CHECK(by_subject.count(std::string{"agents.examples.counter-1."} + a));
    REQUIRE(by_subject.count("agents.examples.echo.echo"));
    auto& pool = by_subject["agents.examples.echo.echo"];
    CHECK(pool["queue_group"] == "smith.examples.echo");
    CHECK(pool["metadata"]["pool"] == "echo");
  }
}

TEST_CASE("STATS counts the requests and errors agents served over NATS") {
  test::nats_server srv;
  node n{srv, "node-a", true};
  n.spawn_agent(examples::echo_type(), "echo-1");
  n.spawn_agent(examples::counter_type(), "counter-1");
  n.await_agents(2);
  auto client = connect(srv);
  expb::EchoRequest echo;
  echo.set_text("hi");
  for (int i = 0; i < 3; ++i)
    REQUIRE(call(*client, "agents.examples.echo-1.echo", echo));
  expb::AddRequest add;
  add.set_n(std::numeric_limits<int64_t>::max());
  REQUIRE(call(*client, "agents.examples.counter-1.add", add));
  auto overflow = call(*client, "agents.examples.counter-1.add", add);
  REQUIRE(overflow); // an error reply is still a reply
  CHECK(nats::find_header(overflow->headers, "Nats-Service-Error-Code"));

  auto j = request_json(*client, "$SRV.STATS.smith." + n.id);
  check_identity(j, "io.nats.micro.v1.stats_response");
  REQUIRE(j.at("started").is_string());
  CHECK(std::regex_match(j["started"].get<std::string>(), rfc3339_re));
  REQUIRE(j.at("endpoints").is_array());
  CHECK(j["endpoints"].size() == 5);
  std::map<std::string, json> by_subject;
  for (auto& e : j["endpoints"]) {
    check_endpoint_base(e);
    for (auto k : {"num_requests", "num_errors", "processing_time", "average_processing_time"})
      CHECK_MESSAGE(e.at(k).is_number_integer(), k);
    CHECK(e.at("last_error").is_string());
    by_subject[e["subject"]] = e;
  }
  auto& ec = by_subject["agents.examples.echo-1.echo"];
  CHECK(ec["num_requests"] == 3);
  CHECK(ec["num_errors"] == 0);
  CHECK(ec["last_error"] == "");
  CHECK(ec["processing_time"].get<int64_t>() > 0);
  CHECK(ec["average_processing_time"] == ec["processing_time"].get<int64_t>() / 3);
  auto& ad = by_subject["agents.examples.counter-1.add"];
  CHECK(ad["num_requests"] == 2);
  CHECK(ad["num_errors"] == 1);
  CHECK_FALSE(ad["last_error"].get<std::string>().empty());
  CHECK(by_subject["agents.examples.counter-1.get"]["num_requests"] == 0);
}

TEST_CASE("two nodes in one process both answer $SRV.PING") {
  test::nats_server srv;
  node a{srv, "node-a", false};
  node b{srv, "node-b", false};
  REQUIRE(a.id != b.id);
  auto client = connect(srv);
  std::mutex mx;
  std::condition_variable cv;
  std::vector<json> replies;
  auto inbox = client->new_inbox_prefix();
  auto sub = client->subscribe(inbox, "", [&](nats::inbound_msg&& m) {
    std::lock_guard<std::mutex> guard{mx};
    replies.push_back(json::parse(m.data, nullptr, false));
    cv.notify_all();
  });
  REQUIRE(sub);
  REQUIRE_FALSE(client->flush(2s));
  REQUIRE_FALSE(client->publish("$SRV.PING", inbox, {}, ""));
  std::unique_lock<std::mutex> lock{mx};
  REQUIRE(cv.wait_for(lock, 5s, [&] { return replies.size() >= 2; }));
  std::set<std::string> ids, nodes;
  for (auto& j : replies) {
    check_identity(j, "io.nats.micro.v1.ping_response");
    ids.insert(j["id"].get<std::string>());
    nodes.insert(j["metadata"]["node"].get<std::string>());
  }
  lock.unlock();
  sub->reset();
  CHECK(ids == std::set<std::string>{a.id, b.id});
  CHECK(nodes == std::set<std::string>{"node-a", "node-b"});
}
