// The direct cast path and the per-actor-system table of them.
#include "runtime/bridge/outbound.hpp"

#include <atomic>
#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <google/protobuf/message.h>

#include "runtime/bridge/call.hpp"
#include "runtime/bridge/envelope.hpp"
#include "runtime/bridge/replies.hpp"
#include "runtime/bridge/subject.hpp"

namespace smith::bridge {

namespace {

std::string key_of(const std::string& domain, const std::string& name) {
  std::string k;
  k.reserve(domain.size() + name.size() + 1);
  k.append(domain).append(1, '/').append(name);
  return k;
}

/// One direct path per actor system (a process may run several nodes, e.g. benchmarks).
struct table {
  std::mutex mtx;
  std::unordered_map<const caf::actor_system*, std::shared_ptr<outbound>> paths;
  /// Bumped by every install and withdraw: invalidates the threads' cached lookups.
  std::atomic<uint64_t> generation{1};
};

table& paths() {
  static table t;
  return t;
}

/// A thread's last find(): valid while the table's generation is unchanged.
struct find_cache {
  const caf::actor_system* sys = nullptr;
  uint64_t generation = 0;
  /// Weak: a thread's cache must not keep a withdrawn path (and its NATS link) alive.
  std::weak_ptr<outbound> path;
};

/// The last subject a thread cast to, with what it was built from: a burst of casts to
/// one action builds and checks it once.
struct subject_cache {
  std::string domain;
  std::string name;
  std::string action;
  std::string subject;
  caf::error error;
};

subject_cache& last_cast_subject() {
  thread_local subject_cache c;
  return c;
}

/// The subject of `cr`, or nullptr when it cannot be built (last_subject_error() says why).
const std::string* cast_subject(const call_request& cr) {
  auto& c = last_cast_subject();
  if (!c.subject.empty() && c.domain == cr.target.domain && c.name == cr.target.name
      && c.action == cr.action)
    return &c.subject;
  auto subject = cr.target.name == "_all"
                   ? broadcast_subject(cr.target.domain, cr.action)
                   : agent_subject(cr.target.domain, cr.target.name, cr.action);
  c.subject.clear();
  if (!subject) {
    c.error = std::move(subject.error());
    return nullptr;
  }
  c.domain = cr.target.domain;
  c.name = cr.target.name;
  c.action = cr.action;
  c.subject = std::move(*subject);
  return &c.subject;
}

const caf::error& last_subject_error() {
  return last_cast_subject().error;
}

} // namespace

outbound::outbound(std::shared_ptr<nats_link> link, std::string node, size_t max_payload)
  : link_(std::move(link)), node_(std::move(node)), max_payload_(max_payload) {
  // nop
}

void outbound::set_local(const std::string& domain, const std::string& name, caf::actor handle,
                         std::shared_ptr<const agent::endpoint_table> endpoints) {
  std::unique_lock guard{mtx_};
  locals_[key_of(domain, name)] = local_entry{std::move(handle), std::move(endpoints)};
}

void outbound::erase_local(const std::string& domain, const std::string& name,
                           const caf::actor& handle) {
  std::unique_lock guard{mtx_};
  auto i = locals_.find(key_of(domain, name));
  if (i != locals_.end() && i->second.handle == handle)
    locals_.erase(i);
}

void outbound::clear_local() {
  std::unique_lock guard{mtx_};
  locals_.clear();
}

std::optional<outbound::local_entry> outbound::local(const std::string& domain,
                                                     const std::string& name) const {
  thread_local std::string key; // reused: no allocation per cast
  key.assign(domain).append(1, '/').append(name);
  std::shared_lock guard{mtx_};
  auto i = locals_.find(key);
  if (i == locals_.end())
    return std::nullopt;
  return i->second;
}

std::optional<caf::error> outbound::cast(const call_request& cr) {
  if (auto a = local(cr.target.domain, cr.target.name)) {
    auto* ep = a->endpoints ? a->endpoints->find(cr.action) : nullptr;
    if (!ep)
      return caf::make_error(wire_code::unknown_action, cr.target.domain + "/" + cr.target.name
                                                          + " has no action '" + cr.action + "'");
    if (cr.payload.msg && cr.payload.msg->GetDescriptor() != ep->request_type)
      return caf::make_error(wire_code::unknown_type, "action '" + cr.action + "' takes "
                                                        + ep->request_type->full_name() + ", not "
                                                        + cr.payload.msg->GetTypeName());
    if (auto err = ep->post(a->handle, cr.payload.msg)) // null payload: bad_request
      return as_wire_error(err);
    return caf::error{};
  }
  if (!link_)
    return std::nullopt;
  if (!cr.payload.msg)
    return caf::make_error(wire_code::bad_request, "call without a payload");
  auto* subject = cast_subject(cr);
  if (subject == nullptr)
    return caf::make_error(wire_code::bad_request, caf::to_string(last_subject_error()));
  request_meta meta{cr.deadline, cr.sender.empty() ? std::string_view{node_} : cr.sender,
                    cr.traceparent};
  return publish_request(*link_->bulk, *subject, {}, *cr.payload.msg, meta, max_payload_);
}

void outbound::set_remote_call(remote_call_fn fn) {
  std::unique_lock guard{mtx_};
  remote_call_ = std::move(fn);
}

std::optional<caf::error> outbound::call_remote(call_request& cr, caf::strong_actor_ptr caller,
                                                caf::message_id mid) const {
  if (!link_ || cr.target.name == "_all")
    return std::nullopt;
  // Held while the function publishes: only set_local/erase_local wait for it, briefly.
  std::shared_lock guard{mtx_};
  if (!remote_call_ || locals_.count(key_of(cr.target.domain, cr.target.name)) != 0)
    return std::nullopt;
  return remote_call_(cr, std::move(caller), mid);
}

void outbound::install(caf::actor_system& sys, std::shared_ptr<outbound> ob) {
  auto& t = paths();
  std::lock_guard guard{t.mtx};
  t.paths[&sys] = std::move(ob);
  t.generation.fetch_add(1, std::memory_order_acq_rel);
}

void outbound::withdraw(caf::actor_system& sys, const outbound* ob) {
  auto& t = paths();
  std::lock_guard guard{t.mtx};
  auto i = t.paths.find(&sys);
  if (i != t.paths.end() && i->second.get() == ob) {
    t.paths.erase(i);
    t.generation.fetch_add(1, std::memory_order_acq_rel);
  }
}

std::shared_ptr<outbound> outbound::find(caf::actor_system& sys) {
  auto& t = paths();
  // Casting actors look this up per message: each thread keeps its last answer until an
  // install or withdraw changes the table (a withdrawn path is then never returned).
  thread_local find_cache cache;
  auto gen = t.generation.load(std::memory_order_acquire);
  if (cache.sys == &sys && cache.generation == gen)
    if (auto p = cache.path.lock())
      return p;
  std::lock_guard guard{t.mtx};
  auto i = t.paths.find(&sys);
  cache.sys = &sys;
  cache.generation = t.generation.load(std::memory_order_acquire);
  std::shared_ptr<outbound> found = i == t.paths.end() ? nullptr : i->second;
  cache.path = found;
  return found;
}

caf::error cast(caf::actor_system& sys, agent_ref ref, std::string action, wire_payload req,
                wall_time deadline) {
  call_request cr{std::move(ref), std::move(action), std::move(req), deadline,
                  std::string{log::current_traceparent()}, {}};
  if (auto ob = outbound::find(sys))
    if (auto res = ob->cast(cr))
      return std::move(*res);
  auto br = find_bridge(sys);
  if (!br)
    return caf::make_error(wire_code::unavailable, "no bridge on this node");
  caf::anon_send(br, cast_atom::value, std::move(cr));
  return {};
}

} // namespace smith::bridge
