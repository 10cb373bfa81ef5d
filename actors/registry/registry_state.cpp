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
  index_ = std::make_unique<capability_index>(opts_.max_agents_per_domain);
  instance_id_ = agent::new_uuid();
}

caf::error registry_state::add(agent_record r) {
  if (r.node.empty())
    r.node = opts_.node;
  r.registered_ns = r.last_beat_ns = now_ns();
  r.health_ = health::healthy;
  // Refuse bad input before touching the older instance it would replace.
  if (auto err = index_->validate(r))
    return err;
  // A restarted agent keeps its name with a new instance: swap in one step so
  // that discovery never sees neither or both.
  const agent_record* old = index_->find_by_name(r.id.domain, r.id.name);
  std::string old_instance = old != nullptr && old->id.instance != r.id.instance
                               ? old->id.instance
                               : std::string{};
  if (!old_instance.empty())
    if (auto err = remove(old_instance))
      return err;
  auto handle = r.handle;
  auto instance = r.id.instance;
  if (auto err = index_->insert(std::move(r)))
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
  auto copy = *rec;
  if (copy.handle) {
    instance_of_.erase(copy.handle.address());
    self_->demonitor(copy.handle);
  }
  index_->erase(instance);
  emit(watch_kind::deregistered, copy, copy.health_);
  return {};
}

caf::expected<agent_record> registry_state::resolve(const std::string& domain,
                                                    const std::string& name) {
  if (auto* rec = index_->find_by_name(domain, name))
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
