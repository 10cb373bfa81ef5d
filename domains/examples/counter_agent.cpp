// The stateful counter agent.
#include "domains/examples/examples_domain.hpp"

#include <stdexcept>

#include "runtime/agent/agent_type.hpp"
#include "smith/examples/v1/examples.pb.h"

namespace smith::examples {

namespace {

struct counter_state {
  int64_t value = 0;
};

using counter_self = agent::agent_actor<counter_iface, counter_state>;

/// Persists `ev` (durably, when the node keeps journals) and answers `reply(state)` once it is
/// applied.
template <class Reply>
caf::result<int64_t> persist(counter_self* self, const v1::CounterEvent& ev, Reply reply) {
  auto rp = self->make_response_promise<int64_t>();
  self->persist(ev.SerializeAsString(), [=](const caf::error& err) mutable {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(reply(self->state.value));
  });
  return rp;
}

caf::result<int64_t> add(counter_self* self, int64_t n) {
  int64_t sum = 0;
  // Signed overflow is undefined behaviour: refuse it before it becomes an event.
  if (__builtin_add_overflow(self->state.value, n, &sum))
    return caf::make_error(caf::sec::invalid_argument,
                           self->config().name() + ": adding " + std::to_string(n) + " to "
                             + std::to_string(self->state.value) + " overflows int64");
  v1::CounterEvent ev;
  ev.set_added(n);
  return persist(self, ev, [](int64_t value) { return value; });
}

caf::result<int64_t> reset(counter_self* self) {
  v1::CounterEvent ev;
  ev.set_reset(true);
  // Commands wait while the event is pending, so the value now is the value reset.
  return persist(self, ev, [old = self->state.value](int64_t) { return old; });
}

caf::error apply(counter_self* self, std::string_view bytes) {
  v1::CounterEvent ev;
  if (!ev.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return caf::make_error(caf::sec::invalid_argument, "counter event does not decode");
  if (ev.has_added())
    self->state.value += ev.added(); // checked for overflow before it was persisted
  else
    self->state.value = 0;
  return {};
}

counter_iface::behavior_type counter_impl(counter_self* self) {
  return {
    [=](add_atom, int64_t n) { return add(self, n); },
    [=](get_atom) { return self->state.value; },
    [=](reset_atom) { return reset(self); },
    [=](crash_atom) -> int64_t {
      throw std::runtime_error("induced crash at value " + std::to_string(self->state.value));
    },
  };
}

v1::CounterValue counter_value(int64_t value) {
  v1::CounterValue out;
  out.set_value(value);
  return out;
}

/// `inspect` shows the counter's value as a CounterValue (smithctl inspect). Event-sourced
/// when the node keeps journals: its value survives crashes and node restarts; snapshots are
/// CounterValue messages.
counter_self::hooks_type counter_hooks() {
  counter_self::hooks_type hooks;
  hooks.on_inspect = [](counter_self* self) {
    return agent::snapshot_of(counter_value(self->state.value));
  };
  hooks.apply = apply;
  hooks.snapshot = [](counter_self* self) {
    return counter_value(self->state.value).SerializeAsString();
  };
  hooks.restore = [](counter_self* self, std::string_view bytes) -> caf::error {
    v1::CounterValue v;
    if (!v.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      return caf::make_error(caf::sec::invalid_argument, "counter snapshot does not decode");
    self->state.value = v.value();
    return {};
  };
  return hooks;
}

} // namespace

agent::endpoint_table counter_endpoints() {
  using agent::make_endpoint;
  auto reply = [](int64_t value) { return counter_value(value); };
  return {{
    make_endpoint<v1::AddRequest, v1::CounterValue>(
      "add", [](const v1::AddRequest& r) { return std::make_tuple(add_atom::value, r.n()); },
      reply),
    make_endpoint<v1::GetRequest, v1::CounterValue>(
      "get", [](const v1::GetRequest&) { return std::make_tuple(get_atom::value); }, reply),
    make_endpoint<v1::ResetRequest, v1::CounterValue>(
      "reset", [](const v1::ResetRequest&) { return std::make_tuple(reset_atom::value); }, reply),
  }};
}

agent::agent_type counter_type() {
  return agent::make_agent_type<counter_iface, counter_state>(
    "counter", examples_version, {{"count", examples_version, {}}, {"crash-test", examples_version, {}}},
    counter_impl, counter_hooks(),
    std::make_shared<const agent::endpoint_table>(counter_endpoints()));
}

domain::domain_descriptor examples_domain() {
  domain::domain_descriptor d;
  d.name = "examples";
  d.version = examples_version;
  d.agents = {echo_type(), counter_type()};
  return d;
}

} // namespace smith::examples
