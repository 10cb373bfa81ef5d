// Supervisor decisions as smith.agent.v1.SupervisorEvent records in the event store.
#include "runtime/supervision/decision_journal.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "runtime/persistence/persistence_errc.hpp"
#include "smith/agent/v1/agent.pb.h"

namespace smith::supervision {

namespace {

int64_t now_unix_ms() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

} // namespace

std::string decision_key(std::string_view supervisor, std::string_view child) {
  std::string key{"_supervision/"};
  key.append(supervisor);
  if (!child.empty())
    key.append("/").append(child);
  return key;
}

caf::error record_decision(persistence::event_store& store, const supervisor_event& ev) {
  agent::v1::SupervisorEvent msg;
  msg.set_kind(static_cast<agent::v1::SupervisorEventKind>(ev.kind));
  msg.set_supervisor(ev.supervisor);
  msg.set_child_id(ev.child_id);
  msg.set_reason(ev.reason);
  msg.set_incarnation(ev.incarnation);
  msg.set_monotonic_ns(ev.monotonic_ns);
  msg.set_unix_ms(now_unix_ms());
  auto key = decision_key(ev.supervisor, ev.child_id);
  return store.append(key, {}, msg.SerializeAsString(), persistence::durability_mode::group,
                      [key](caf::expected<persistence::append_ack> a) {
                        if (!a)
                          spdlog::warn("supervision journal {}: {}", key,
                                       caf::to_string(a.error()));
                      });
}

caf::expected<std::vector<recorded_decision>>
decisions_of(const persistence::event_store& store, std::string_view supervisor,
             std::string_view child) {
  auto evs = store.events_since(decision_key(supervisor, child), 0);
  if (!evs)
    return evs.error();
  std::vector<recorded_decision> out;
  out.reserve(evs->size());
  for (auto& e : *evs) {
    agent::v1::SupervisorEvent msg;
    if (!msg.ParseFromString(e.payload))
      return caf::make_error(persistence::persistence_errc::bad_record,
                             "supervisor decision " + std::to_string(e.seq) + " does not decode");
    recorded_decision d;
    d.event.kind = static_cast<event_kind>(msg.kind());
    d.event.supervisor = msg.supervisor();
    d.event.child_id = msg.child_id();
    d.event.reason = msg.reason();
    d.event.incarnation = msg.incarnation();
    d.event.monotonic_ns = msg.monotonic_ns();
    d.unix_ms = msg.unix_ms();
    d.seq = e.seq;
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace smith::supervision
