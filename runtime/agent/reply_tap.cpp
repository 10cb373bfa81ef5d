// The reply tap: a synchronous forwarding stage (no mailbox, no scheduling) that counts.
#include "runtime/agent/reply_tap.hpp"

#include <caf/actor_system.hpp>
#include <caf/make_actor.hpp>
#include <caf/monitorable_actor.hpp>
#include <caf/mailbox_element.hpp>

namespace smith::agent {

namespace {

/// The buffer of the last forwarding stack a reply emptied on this thread (see push_reply_tap).
std::vector<caf::strong_actor_ptr>& reply_tap_spare_stack() {
  thread_local std::vector<caf::strong_actor_ptr> spare __attribute__((tls_model("initial-exec")));
  return spare;
}

class reply_tap final : public caf::monitorable_actor {
public:
  reply_tap(caf::actor_config& cfg, caf::weak_actor_ptr agent,
            std::shared_ptr<in_flight_counter> counter)
    : caf::monitorable_actor(cfg), agent_(std::move(agent)), counter_(std::move(counter)) {}

  const char* name() const override { return "smith.reply_tap"; }

  void enqueue(caf::mailbox_element_ptr what, caf::execution_unit* host) override {
    if (!what)
      return;
    counter_->value.fetch_sub(1, std::memory_order_acq_rel);
    if (!what->stages.empty()) { // the request had later stages: it goes on as CAF would
      auto next = std::move(what->stages.back());
      what->stages.pop_back();
      next->enqueue(std::move(what), host);
      return;
    }
    if (auto& spare = reply_tap_spare_stack(); spare.capacity() == 0)
      spare.swap(what->stages); // empty here: its buffer serves the next request
    auto requester = std::move(what->sender);
    if (!requester)
      return; // an anonymous request: nobody to answer (as in response_promise)
    caf::strong_actor_ptr from{agent_.lock()};
    if (!from)
      from = ctrl();
    // The element itself becomes the response: no copy of the reply's content.
    what->sender = std::move(from);
    what->mid = what->mid.response_id();
    requester->enqueue(std::move(what), host);
  }

private:
  caf::weak_actor_ptr agent_;
  std::shared_ptr<in_flight_counter> counter_;
};

} // namespace

void push_reply_tap(caf::mailbox_element& x, const caf::strong_actor_ptr& tap) {
  if (x.stages.capacity() == 0)
    x.stages.swap(reply_tap_spare_stack());
  x.stages.push_back(tap);
}

caf::strong_actor_ptr make_reply_tap(caf::actor_system& sys, const caf::strong_actor_ptr& agent,
                                     std::shared_ptr<in_flight_counter> counter) {
  caf::actor_config cfg;
  caf::weak_actor_ptr weak{agent.get()};
  return caf::make_actor<reply_tap, caf::strong_actor_ptr>(sys.next_actor_id(), sys.node(), &sys,
                                                          cfg, std::move(weak),
                                                          std::move(counter));
}

} // namespace smith::agent
