// Registry state: registration, queries, watches and health.
#include "actors/registry/registry_state.hpp"

#include <caf/all.hpp>

#include "runtime/registry/registry_errc.hpp"

namespace smith::actors {

using namespace smith::registry;

registry_state::registry_state(caf::stateful_actor<registry_state>* self) : self_(self) {
  // nop
}

void registry_state::init(registry_options opts) {
  opts_ = std::move(opts);
  // The domain limit applies to local agents only, so this state enforces it.
  index_ = std::make_unique<capability_index>(0);
  validator_ = std::make_unique<capability_index>(0);
  instance_id_ = agent::new_uuid();
}

caf::error registry_state::add(agent_record r) {
  if (r.node.empty())
    r.node = opts_.node;
  else if (!is_local(r))
    return caf::make_error(caf::sec::invalid_argument,
                           "agent " + to_string(r.id) + " names node '" + r.node
                             + "'; this registry registers agents of node '" + opts_.node + "' only");
  r.registered_ns = r.last_beat_ns = now_ns();
  r.health_ = health::healthy;
  // Refuse bad input before touching the older instance it would replace.
  if (auto err = index_->validate(r))
    return err;
  // A restarted agent keeps its name with a new instance: swap in one step so
  // that discovery never sees neither or both.
  const std::string* old = nodes_.holder(r.id.domain, r.id.name, opts_.node);
  if (old == nullptr || *old == r.id.instance) {
    if (auto err = check_local_limit(r.id.domain))
      return err;
  } else {
    drop(std::string{*old}); // copied: drop() changes the table holding *old
  }
  auto handle = r.handle;
  auto instance = r.id.instance;
  if (auto err = insert_record(std::move(r)))
    return err;
  if (handle) {
    instance_of_[handle.address()] = instance;
    self_->monitor(handle);
  }
  emit(watch_kind::registered, *index_->find(instance), health::healthy);
  return {};
}

caf::error registry_state::remove(const std::string& instance) {
  auto* rec = index_->find(instance);
  if (rec == nullptr)
    return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
  if (!is_local(*rec))
    return caf::make_error(caf::sec::invalid_argument,
                           "instance " + instance + " is an agent of node '" + rec->node
                             + "' (only the replicator removes remote records)");
  drop(instance);
  return {};
}

caf::error registry_state::check_local_limit(const std::string& domain) const {
  if (opts_.max_agents_per_domain == 0)
    return {};
  auto i = local_per_domain_.find(domain);
  size_t count = i != local_per_domain_.end() ? i->second : 0;
  if (count < opts_.max_agents_per_domain)
    return {};
  return caf::make_error(registry_errc::limit_exceeded,
                         "domain '" + domain + "' already has " + std::to_string(count)
                           + " agents (limit " + std::to_string(opts_.max_agents_per_domain) + ")");
}

caf::error registry_state::insert_record(agent_record r) {
  auto instance = r.id.instance;
  if (auto err = index_->insert(std::move(r)))
    return err;
  auto& rec = *index_->find(instance);
  nodes_.insert(rec);
  if (is_local(rec))
    ++local_per_domain_[rec.id.domain];
  return {};
}

agent_record registry_state::erase_record(const std::string& instance) {
  auto copy = *index_->find(instance);
  if (copy.handle) {
    instance_of_.erase(copy.handle.address());
    self_->demonitor(copy.handle);
  }
  index_->erase(instance);
  nodes_.erase(copy);
  if (is_local(copy)) {
    auto i = local_per_domain_.find(copy.id.domain);
    if (i != local_per_domain_.end() && --i->second == 0)
      local_per_domain_.erase(i);
  }
  return copy;
}

void registry_state::drop(const std::string& instance) {
  auto copy = erase_record(instance);
  emit(watch_kind::deregistered, copy, copy.health_);
}

std::optional<health> registry_state::change_health(const std::string& instance, health h) {
  auto previous = index_->set_health(instance, h);
  if (previous && *previous != h)
    nodes_.update(*index_->find(instance));
  return previous;
}

std::optional<agent::lifecycle_state> registry_state::change_state(const std::string& instance,
                                                                   agent::lifecycle_state st) {
  auto previous = index_->set_state(instance, st);
  if (previous && *previous != st)
    nodes_.update(*index_->find(instance));
  return previous;
}

caf::expected<agent_record> registry_state::resolve(const std::string& domain,
                                                    const std::string& name) {
  if (auto* instance = nodes_.resolve(domain, name, opts_.node))
    if (auto* rec = index_->find(*instance))
      return *rec;
  return caf::make_error(registry_errc::unknown_agent, "no agent " + domain + "/" + name);
}

caf::expected<agent_record> registry_state::resolve_instance(const std::string& instance) {
  if (auto* rec = index_->find(instance))
    return *rec;
  return caf::make_error(registry_errc::unknown_agent, "no agent with instance " + instance);
}

caf::expected<const agent::version_range*> registry_state::range_of(const std::string& text) {
  if (text.empty() || text == "*")
    return nullptr;
  auto i = ranges_.find(text);
  if (i != ranges_.end())
    return &i->second;
  auto parsed = agent::version_range::parse(text);
  if (!parsed)
    return caf::make_error(registry_errc::invalid_range, self_->system().render(parsed.error()));
  if (ranges_.size() >= 4096)
    ranges_.clear(); // bounded cache; ranges are few in practice
  return &ranges_.emplace(text, std::move(*parsed)).first->second;
}

caf::expected<discover_result> registry_state::discover(const discover_query& q) {
  auto range = range_of(q.version_range);
  if (!range)
    return std::move(range.error());
  discover_result out;
  size_t limit = q.limit == 0 ? 100 : q.limit;
  out.records.reserve(std::min<size_t>(limit, 16)); // no regrowth for small limits
  out.total = index_->discover(q, *range, [&](const agent_record& r) {
    out.records.push_back(r);
    return out.records.size() < limit;
  });
  return out;
}

caf::expected<agent_record> registry_state::find_healthy(const std::string& capability,
                                                         const std::string& range_text,
                                                         bool round_robin) {
  auto range = range_of(range_text);
  if (!range)
    return std::move(range.error());
  if (auto* rec = index_->find_healthy(capability, *range, round_robin))
    return *rec;
  return caf::make_error(registry_errc::no_candidate,
                         "no healthy agent offers " + capability
                           + (range_text.empty() ? std::string{} : " " + range_text));
}

std::vector<agent_record> registry_state::list(const record_filter& f) const {
  std::vector<agent_record> out;
  index_->for_each(f, [&](const agent_record& r) { out.push_back(r); });
  return out;
}

watch_ack registry_state::watch(record_filter f, caf::actor subscriber) {
  self_->monitor(subscriber);
  watch_ack ack{sequence_, instance_id_, list(f)};
  watchers_.push_back({std::move(f), std::move(subscriber), sequence_});
  return ack;
}

void registry_state::unwatch(const caf::actor_addr& subscriber) {
  watchers_.erase(std::remove_if(watchers_.begin(), watchers_.end(),
                                 [&](const watcher& w) { return w.subscriber == subscriber; }),
                  watchers_.end());
}

void registry_state::emit(watch_kind kind, const agent_record& r, health previous_health,
                          agent::lifecycle_state previous_state) {
  watch_event ev{kind, r, previous_health, previous_state, ++sequence_, 0, instance_id_};
  // A watcher also hears of a record that just left its filter.
  auto before = r;
  before.health_ = previous_health;
  if (previous_state != any_state)
    before.state = previous_state;
  for (auto& w : watchers_) {
    if (!matches(w.filter, r) && !matches(w.filter, before))
      continue;
    ev.previous_sequence = std::exchange(w.last_sent, ev.sequence);
    self_->send(w.subscriber, ev);
  }
}

int64_t registry_state::now_ns() const {
  auto t = self_->clock().now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
}

} // namespace smith::actors
