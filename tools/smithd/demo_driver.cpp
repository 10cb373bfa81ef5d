// Demo traffic through the supervision tree.
#include "tools/smithd/demo_driver.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "domains/examples/examples_domain.hpp"
#include "runtime/registry/registry_api.hpp"

namespace smith::tools {

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;
using resolved_fn = std::function<void(caf::actor)>;

struct driver_state {
  static inline const char* name = "smith.demo_driver";
  int round = 0;
};

using driver_self = caf::stateful_actor<driver_state>*;

constexpr auto call_timeout = std::chrono::seconds{2};

/// Walks root -> domain -> pool -> agent with get_child, then calls `k`.
void resolve(driver_self self, caf::actor sup, std::vector<std::string> path, resolved_fn k) {
  auto head = path.front();
  path.erase(path.begin());
  self->request(sup, call_timeout, get_child_atom::value, head)
    .then(
      [=](caf::actor& child) {
        if (path.empty())
          k(child);
        else
          resolve(self, child, path, k);
      },
      [=](caf::error& err) {
        spdlog::info("demo: {} is not reachable right now ({})", head,
                     self->system().render(err));
      });
}

/// Finds an echo agent through the registry (round robin among the least
/// loaded), then calls it.
void call_echo(driver_self self) {
  auto text = "hello #" + std::to_string(self->state.round);
  auto reg = caf::actor_cast<registry::registry_actor>(
    self->system().registry().get(registry::registry_name));
  if (!reg)
    return;
  self->request(reg, call_timeout, registry::find_healthy_atom::value, std::string{"echo"},
                std::string{"^1"}, true)
    .then(
      [=](registry::agent_record& rec) {
        self->request(caf::actor_cast<examples::echo_actor>(rec.handle), call_timeout,
                      examples::echo_atom::value, text)
          .then([](std::string& reply) { spdlog::info("demo: echo answered \"{}\"", reply); },
                [=](caf::error& err) {
                  spdlog::warn("demo: echo failed: {}", self->system().render(err));
                });
      },
      [=](caf::error& err) {
        spdlog::info("demo: no echo agent available ({})", self->system().render(err));
      });
}

void call_counter(driver_self self, caf::actor root, bool crash) {
  resolve(self, root, {"examples", "counter", "counter-1"}, [=](caf::actor a) {
    auto counter = caf::actor_cast<examples::counter_actor>(a);
    if (crash) {
      spdlog::info("demo: injecting a crash into counter-1");
      self->request(counter, call_timeout, examples::crash_atom::value)
        .then([](int64_t) {},
              [=](caf::error& err) {
                spdlog::info("demo: the caller got an error reply, not a timeout: {}",
                             self->system().render(err));
              });
      return;
    }
    self->request(counter, call_timeout, examples::add_atom::value, int64_t{1})
      .then([](int64_t v) { spdlog::info("demo: counter-1 is now {}", v); },
            [=](caf::error& err) {
              spdlog::warn("demo: counter failed: {}", self->system().render(err));
            });
  });
}

caf::behavior driver_impl(driver_self self, caf::actor root, demo_options opts) {
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      auto round = ++self->state.round;
      call_echo(self);
      call_counter(self, root, opts.crash_every > 0 && round % opts.crash_every == 0);
      self->delayed_send(self, opts.interval, tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_demo_driver(caf::actor_system& sys, supervision::supervisor_actor root,
                             demo_options opts) {
  return sys.spawn(driver_impl, caf::actor_cast<caf::actor>(root), opts);
}

} // namespace smith::tools
