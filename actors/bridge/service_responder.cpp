// The $SRV responder: NATS callbacks post requests here; INFO and STATS ask the registry
// (and the bridge) and publish the JSON answer.
#include "actors/bridge/service_responder.hpp"

#include <algorithm>
#include <functional>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/bridge/service_json.hpp"
#include "runtime/agent/agent_id.hpp"
#include "runtime/agent/semver.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/core/token.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/registry/registry_api.hpp"
#include "smith/version.hpp"

namespace smith::actors {

namespace {

using bridge::srv_verb;
using records = std::vector<registry::agent_record>;

struct service_state {
  static inline const char* name = "smith.services";
  service_options opts;
  service_identity identity;
  /// Destroyed with the state when the actor exits: no callback posts to us afterwards.
  std::vector<nats::subscription> subs;
};

using service_self = service_responder_actor::stateful_pointer<service_state>;

constexpr srv_verb verbs[] = {srv_verb::ping, srv_verb::info, srv_verb::stats};

/// Header values may not carry CR, LF or other control bytes.
std::string header_safe(std::string text) {
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = ' ';
  return text;
}

void publish_error(service_self self, const std::string& reply, int code,
                   const std::string& text) {
  nats::header_list hs{{std::string{bridge::header::service_error}, header_safe(text)},
                       {std::string{bridge::header::service_error_code}, std::to_string(code)}};
  if (auto err = self->state.opts.link->rpc->publish(reply, "", hs, ""))
    spdlog::warn("services: error reply to {} failed: {}", reply, self->system().render(err));
}

void publish(service_self self, const std::string& reply, const std::string& body) {
  auto err = self->state.opts.link->rpc->publish(reply, "", {}, body);
  if (!err)
    return;
  auto text = "services: reply of " + std::to_string(body.size())
              + " bytes not sent: " + self->system().render(err);
  spdlog::warn("{}", text);
  publish_error(self, reply, 500, text);
}

/// Calls `next` with this node's registry records, or answers the request with 503.
void with_records(service_self self, const std::string& reply,
                  std::function<void(records&)> next) {
  auto reg = self->system().registry().get(registry::registry_name);
  if (!reg)
    return publish_error(self, reply, 503, "no registry on node " + self->state.opts.node);
  registry::record_filter filter;
  filter.node = self->state.opts.node;
  self->request(caf::actor_cast<registry::registry_actor>(reg), self->state.opts.query_timeout,
                registry::list_atom::value, filter)
    .then([next](records& rs) { next(rs); },
          [self, reply](caf::error& err) {
            publish_error(self, reply, 503, "registry: " + self->system().render(err));
          });
}

/// Calls `next` with the bridge's endpoint stats (none while no bridge runs), or 503.
void with_stats(service_self self, const std::string& reply,
                std::function<void(std::vector<bridge::endpoint_stat>&)> next) {
  auto br = self->system().registry().get(bridge::bridge_name);
  if (!br) {
    std::vector<bridge::endpoint_stat> none;
    return next(none);
  }
  self->request(caf::actor_cast<bridge::bridge_actor>(br), self->state.opts.query_timeout,
                bridge::endpoint_stats_atom::value)
    .then([next](std::vector<bridge::endpoint_stat>& st) { next(st); },
          [self, reply](caf::error& err) {
            publish_error(self, reply, 503, "bridge: " + self->system().render(err));
          });
}

std::vector<service_endpoint> endpoints_of(service_self self, const records& rs) {
  auto& o = self->state.opts;
  if (!o.dynamic_pools)
    return describe_endpoints(o.node, rs, *o.catalog, o.pools);
  auto pools = o.pools;
  for (auto& p : o.dynamic_pools())
    pools.push_back(std::move(p));
  return describe_endpoints(o.node, rs, *o.catalog, pools);
}

void answer(service_self self, srv_verb verb, const std::string& reply) {
  switch (verb) {
    case srv_verb::ping:
      return publish(self, reply, ping_json(self->state.identity));
    case srv_verb::info:
      return with_records(self, reply, [self, reply](records& rs) {
        auto desc = "Smith agents on node " + self->state.opts.node;
        publish(self, reply, info_json(self->state.identity, desc, endpoints_of(self, rs)));
      });
    case srv_verb::stats:
      return with_records(self, reply, [self, reply](records& rs) {
        auto eps = endpoints_of(self, rs);
        with_stats(self, reply, [self, reply, eps](std::vector<bridge::endpoint_stat>& st) {
          auto& s = self->state;
          publish(self, reply, stats_json(s.identity, s.opts.started, eps, st));
        });
      });
  }
}

/// Subscribes to the 3 forms of every verb; the first failure is returned.
caf::error subscribe_all(service_self self) {
  auto& st = self->state;
  auto me = caf::actor_cast<service_responder_actor>(self);
  for (auto verb : verbs) {
    auto cb = [me, v = static_cast<uint8_t>(verb)](nats::inbound_msg&& m) {
      caf::anon_send(me, srv_request_atom::value, v, std::move(m.reply));
    };
    std::vector<caf::expected<std::string>> subjects;
    subjects.push_back(bridge::srv_subject(verb));
    subjects.push_back(bridge::srv_subject(verb, service_name));
    subjects.push_back(bridge::srv_subject(verb, service_name, st.identity.id));
    for (auto& subject : subjects) {
      if (!subject)
        return std::move(subject.error());
      auto sub = st.opts.link->rpc->subscribe(*subject, "", cb);
      if (!sub)
        return std::move(sub.error());
      st.subs.push_back(std::move(*sub));
    }
  }
  return st.opts.link->rpc->flush(std::chrono::seconds{5});
}

service_responder_actor::behavior_type service_impl(service_self self, service_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.identity = {service_name, st.opts.id, st.opts.version, {{"node", st.opts.node}}};
  if (auto err = subscribe_all(self)) {
    spdlog::error("services: {}", self->system().render(err));
    st.subs.clear();
    self->quit(std::move(err));
  }
  return {
    [=](service_id_atom) { return self->state.identity.id; },
    [=](srv_request_atom, uint8_t verb, std::string& reply) {
      if (reply.empty() || verb > static_cast<uint8_t>(srv_verb::stats)) {
        spdlog::debug("services: ignored a $SRV message without reply subject");
        return;
      }
      answer(self, static_cast<srv_verb>(verb), reply);
    },
  };
}

/// A random id: a version-4 UUID without its dashes (32 hex digits).
std::string fresh_id() {
  auto id = agent::new_uuid();
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id;
}

caf::error check(service_options& o) {
  auto bad = [](std::string text) { return caf::make_error(caf::sec::invalid_argument, text); };
  if (!o.link || !o.link->rpc)
    return bad("service responder: no NATS link");
  if (!o.catalog)
    return bad("service responder: no domain catalog");
  if (auto why = token_error(o.node))
    return bad("service responder: node '" + o.node + "': " + *why);
  if (o.id.empty())
    o.id = fresh_id();
  if (auto why = token_error(o.id))
    return bad("service responder: id '" + o.id + "': " + *why);
  if (o.version.empty())
    o.version = version_string;
  if (!agent::parse_semver(o.version))
    return bad("service responder: version '" + o.version + "' is not SemVer");
  if (o.started == bridge::wall_time{})
    o.started = std::chrono::system_clock::now();
  return {};
}

} // namespace

caf::expected<service_responder_actor> spawn_service_responder(caf::actor_system& sys,
                                                               service_options opts) {
  if (auto err = check(opts))
    return err;
  return sys.spawn(service_impl, std::move(opts));
}

supervision::child_spec service_child(service_options opts) {
  if (opts.id.empty())
    opts.id = fresh_id();
  supervision::child_spec spec;
  spec.id = "services";
  spec.start = [opts](const supervision::start_context& ctx) -> caf::expected<caf::actor> {
    auto h = spawn_service_responder(ctx.system, opts);
    if (!h)
      return std::move(h.error());
    return caf::actor_cast<caf::actor>(*h);
  };
  return spec;
}

} // namespace smith::actors
