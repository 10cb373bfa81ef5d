// In-process Smith nodes and raw nats.c connections for the NATS scenarios.
#include "tools/smith-bench/bridge_workload.hpp"

#include <algorithm>
#include <thread>

#include <caf/all.hpp>
#include <google/protobuf/message.h>
#include <nats/nats.h>

#include "actors/bridge/bridge_actor.hpp"
#include "actors/registry/registry_actor.hpp"
#include "domains/examples/examples_domain.hpp"
#include "runtime/bridge/call.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/nats/nats_errc.hpp"
#include "smith/examples/v1/examples.pb.h"

namespace smith::bench {

namespace {

using namespace std::chrono_literals;

/// Deadline of each readiness probe call.
constexpr auto probe_deadline = 1s;

/// Waits until the actors spawned so far published themselves (their init ran on a
/// scheduler thread): agents started later then find the registry, callers the bridge.
caf::error wait_published(caf::actor_system& sys, std::initializer_list<caf::atom_value> names) {
  auto until = std::chrono::steady_clock::now() + 10s;
  for (auto name : names)
    while (!sys.registry().get(name)) {
      if (std::chrono::steady_clock::now() > until) {
        auto what = caf::to_string(name); // appended, not "'" + ...: GCC 12 -Wrestrict
        what += " was not published within 10 s";
        return failure(std::move(what));
      }
      std::this_thread::sleep_for(1ms); // polling, not synchronisation
    }
  return {};
}

} // namespace

// -- bench_node ---------------------------------------------------------------------

caf::expected<std::unique_ptr<bench_node>>
bench_node::start(const options& opts, std::string name, const std::string& url,
                  const domain::domain_catalog& catalog) {
  std::unique_ptr<bench_node> n{new bench_node};
  n->name_ = std::move(name);
  n->catalog_ = &catalog;
  config::nats_config nc;
  nc.urls = {url};
  auto link = bridge::open_link(nc, n->name_);
  if (!link)
    return std::move(link.error());
  n->link_ = std::move(*link);
  n->cfg_ = std::make_unique<caf::actor_system_config>();
  configure(*n->cfg_, opts);
  n->sys_ = std::make_unique<caf::actor_system>(*n->cfg_);
  registry::registry_options ro;
  ro.node = n->name_;
  ro.heartbeat_interval = 0ms; // no health scans
  n->registry_ = actors::spawn_registry(*n->sys_, ro);
  actors::bridge_options bo;
  bo.node = n->name_;
  bo.link = n->link_;
  bo.catalog = &catalog;
  bo.inline_dispatch.enabled = opts.inline_dispatch;
  bo.inline_one_way = opts.inline_one_way;
  n->bridge_ = actors::spawn_bridge(*n->sys_, std::move(bo));
  if (auto err = wait_published(*n->sys_, {registry::registry_name, bridge::bridge_name}))
    return err;
  return n;
}

bench_node::~bench_node() {
  if (sys_) {
    for (auto& a : agents_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry_, caf::exit_reason::user_shutdown);
    agents_.clear();
    bridge_ = nullptr;
    registry_ = nullptr;
    sys_.reset(); // waits for every actor
  }
  if (link_) {
    link_->rpc->close();
    link_->bulk->close();
  }
}

caf::expected<caf::actor> bench_node::spawn_agent(const std::string& type,
                                                  const std::string& agent_name,
                                                  size_t mailbox_capacity) {
  auto* t = catalog_->find_agent(bench_domain, type);
  if (t == nullptr)
    return failure("no agent type " + type + " in domain " + bench_domain);
  return spawn_typed(bench_domain, *t, agent_name, mailbox_capacity);
}

caf::expected<caf::actor> bench_node::spawn_typed(const std::string& domain,
                                                  const agent::agent_type& t,
                                                  const std::string& agent_name,
                                                  size_t mailbox_capacity,
                                                  std::map<std::string, std::string> settings) {
  auto id = agent::make_agent_id(domain, agent_name, t.version);
  if (!id)
    return std::move(id.error());
  agent::agent_config cfg;
  cfg.id = std::move(*id);
  cfg.mailbox_capacity = mailbox_capacity;
  cfg.settings = std::move(settings);
  cfg.capabilities = t.capabilities;
  cfg.node = name_;
  cfg.type = t.name;
  auto a = t.spawn(*sys_, std::move(cfg));
  if (!a)
    return failure("agent " + agent_name + " did not start");
  agents_.push_back(a);
  return a;
}

caf::expected<bridge::bridge_stats> bench_node::stats() {
  caf::scoped_actor self{*sys_};
  caf::expected<bridge::bridge_stats> out{caf::error{}};
  self->request(bridge_, 5s, bridge::stats_atom::value)
    .receive([&](bridge::bridge_stats& s) { out = std::move(s); },
             [&](caf::error& err) { out = std::move(err); });
  return out;
}

caf::expected<std::unique_ptr<domain::domain_catalog>> examples_catalog() {
  auto cat = std::make_unique<domain::domain_catalog>();
  if (auto err = cat->add(examples::examples_domain()))
    return err;
  return cat;
}

caf::error wait_reachable(bench_node& from, const bridge::agent_ref& target,
                          const std::string& action, const google::protobuf::Message& req,
                          std::chrono::seconds limit) {
  caf::scoped_actor self{from.system()};
  auto until = std::chrono::steady_clock::now() + limit;
  caf::error last;
  while (std::chrono::steady_clock::now() < until) {
    auto deadline = std::chrono::system_clock::now() + probe_deadline;
    auto cr = bridge::call_request{target, action, bridge::copy_payload(req), deadline, {}, {}};
    bool ok = false;
    self->request(from.bridge(), probe_deadline + bridge::call_grace, bridge::call_atom::value,
                  std::move(cr))
      .receive([&](bridge::wire_payload&) { ok = true; }, [&](caf::error& err) { last = err; });
    if (ok)
      return {};
    std::this_thread::sleep_for(10ms); // polling for the subscription, not synchronisation
  }
  return failure(target.domain + "/" + target.name + " not reachable from node " + from.name()
                 + ": " + from.system().render(last));
}

// -- envelopes ---------------------------------------------------------------------

caf::expected<envelope> request_envelope(const bridge::agent_ref& target, const std::string& action,
                                         const google::protobuf::Message& msg,
                                         const std::string& sender) {
  auto subject = bridge::agent_subject(target.domain, target.name, action);
  if (!subject)
    return std::move(subject.error());
  envelope env;
  env.subject = std::move(*subject);
  auto deadline = std::chrono::system_clock::now() + 1h;
  env.headers = bridge::request_headers(msg.GetTypeName(), deadline, bridge::new_msg_id(), sender,
                                        bridge::new_traceparent());
  msg.SerializeToString(&env.body);
  return env;
}

envelope reply_envelope(const google::protobuf::Message& msg) {
  envelope env;
  env.headers = bridge::reply_headers(msg.GetTypeName(), bridge::new_msg_id(),
                                      bridge::new_traceparent());
  msg.SerializeToString(&env.body);
  return env;
}

// -- raw_connection ----------------------------------------------------------------

caf::expected<std::unique_ptr<raw_connection>> raw_connection::connect(const std::string& url,
                                                                       bool send_asap) {
  std::unique_ptr<raw_connection> out{new raw_connection};
  natsOptions* o = nullptr;
  auto s = natsOptions_Create(&o);
  if (s == NATS_OK)
    s = natsOptions_SetURL(o, url.c_str());
  if (s == NATS_OK)
    s = natsOptions_SetSendAsap(o, send_asap);
  if (s == NATS_OK)
    s = natsConnection_Connect(&out->nc_, o);
  natsOptions_Destroy(o);
  if (s != NATS_OK) {
    out->nc_ = nullptr;
    return nats::make_nats_error(s, "baseline connect to " + url);
  }
  return out;
}

raw_connection::~raw_connection() {
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

caf::error raw_connection::publish(const envelope& env, const char* reply, const char* subject) {
  natsMsg* m = nullptr;
  auto s = natsMsg_Create(&m, subject ? subject : env.subject.c_str(), reply, env.body.data(),
                          static_cast<int>(env.body.size()));
  for (auto i = env.headers.begin(); s == NATS_OK && i != env.headers.end(); ++i)
    s = natsMsgHeader_Add(m, i->first.c_str(), i->second.c_str());
  if (s == NATS_OK)
    s = natsConnection_PublishMsg(nc_, m);
  natsMsg_Destroy(m);
  if (s == NATS_OK)
    return {};
  return nats::make_nats_error(s, "baseline publish to " + env.subject);
}

caf::error raw_connection::flush() {
  return nats::make_nats_error(natsConnection_FlushTimeout(nc_, 10'000), "baseline flush");
}

double percentile_us(std::vector<int64_t> xs, double q) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto idx = static_cast<size_t>(q * static_cast<double>(xs.size() - 1));
  return static_cast<double>(xs[idx]) / 1000.0;
}

} // namespace smith::bench
