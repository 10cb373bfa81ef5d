// Counting an agent's requests from acceptance to reply, including replies through promises.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

namespace smith::agent {

/// Requests an agent has accepted and not answered yet. Shared by the agent (which counts
/// up) and its reply tap (which counts down on the thread that delivers the reply).
struct in_flight_counter {
  std::atomic<uint64_t> value{0};
};

/// A forwarding stage that observes replies. The agent pushes it onto the forwarding stack
/// of each request it starts handling (count up); whoever answers the request (a handler's
/// return value, a response promise delivered later, an error) then sends the answer
/// through the tap, which counts down and passes it on unchanged: to the next stage if the
/// request had more, else to the requester as the response, sent as if by `agent`.
/// The tap holds `agent` weakly (no cycle) and never terminates; it is freed with the last
/// reference (the agent and undelivered promises). Thread-safe.
/// Limits: a promise destroyed without ever being delivered leaves the count one too high
/// until the incarnation ends (CAF 0.17 sends no broken_promise either).
caf::strong_actor_ptr make_reply_tap(caf::actor_system& sys, const caf::strong_actor_ptr& agent,
                                     std::shared_ptr<in_flight_counter> counter);

/// Pushes `tap` onto `x`'s (empty or not) forwarding stack, reusing the buffer of a stack
/// that an earlier reply emptied on this thread: a request and its reply would otherwise
/// allocate and free one 8-byte buffer each.
void push_reply_tap(caf::mailbox_element& x, const caf::strong_actor_ptr& tap);

} // namespace smith::agent
