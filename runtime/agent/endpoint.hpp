// An agent type's wire actions: action name -> protobuf request/response types, and the
// translation to the agent's typed CAF message and of its reply back to protobuf.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/detail/type_traits.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <google/protobuf/message.h>

#include "runtime/core/inline_executor.hpp"

namespace smith::agent {

/// Outcome of one wire invocation: the response message, or an error (the agent's own error,
/// agent_errc::overloaded / draining / handler_exception / unexpected_message,
/// caf::sec::request_timeout, caf::sec::request_receiver_down, or an endpoint error below).
using endpoint_result = caf::expected<std::shared_ptr<const google::protobuf::Message>>;

/// Receives an endpoint_result; called exactly once per invocation, on the invoking actor.
using endpoint_done = std::function<void(endpoint_result)>;

/// Sends the translated `request` from `self` to `agent`, waiting at most `timeout`, and calls
/// `done` exactly once (from a response handler of `self`, or synchronously from invoke when
/// the request is refused before sending). Errors detected before sending, without contacting
/// the agent: caf::sec::invalid_argument (null or wrongly typed request, invalid agent handle),
/// caf::sec::request_timeout (timeout <= 0: the deadline has passed). An exception thrown by
/// the translation functions becomes caf::sec::runtime_error naming the action.
/// Preconditions: `self` is the running actor, `done` is callable.
using endpoint_invoke
  = std::function<void(caf::event_based_actor* self, const caf::actor& agent,
                       std::shared_ptr<const google::protobuf::Message> request,
                       caf::timespan timeout, endpoint_done done)>;

/// One wire action of an agent type.
struct endpoint {
  /// The `{action}` subject token; never starts with '_' (reserved for routing).
  std::string action;
  /// Protobuf type of the request, e.g. smith.examples.v1.EchoRequest (generated pool).
  const google::protobuf::Descriptor* request_type = nullptr;
  /// Protobuf type of a successful response.
  const google::protobuf::Descriptor* response_type = nullptr;
  /// Performs one invocation (see endpoint_invoke). Thread-safe to share; holds no state.
  endpoint_invoke invoke;
  /// One-way form: translates `request` and sends it to `agent` without awaiting a reply
  /// (the agent's answer is discarded), so one-way traffic holds no pending request.
  /// Returns the errors invoke detects before sending; never throws.
  std::function<caf::error(const caf::actor& agent,
                           std::shared_ptr<const google::protobuf::Message> request)>
    post;
  /// Request form for senders that are not running actors (the bridge's NATS delivery
  /// threads): translates `request` and enqueues it into `agent`'s mailbox as request `mid`
  /// from `sender`, which receives the agent's response (decode it with read_reply). No
  /// timeout is set: the sender tracks the deadline. Inside a core::inline_dispatch scope the
  /// agent, if idle, runs on the calling thread when the scope ends (post as well). Returns
  /// the errors invoke detects before sending; never throws. Empty for endpoints not made by
  /// make_endpoint.
  std::function<caf::error(const caf::actor& agent,
                           std::shared_ptr<const google::protobuf::Message> request,
                           caf::strong_actor_ptr sender, caf::message_id mid)>
    send_request;
  /// Turns the content of a response to send_request into what invoke's `done` would get:
  /// the translated reply, the agent's error, caf::sec::unexpected_response for a reply of
  /// other types, caf::sec::runtime_error for a throwing translation. Never throws.
  std::function<endpoint_result(caf::message& reply)> read_reply;
};

/// An agent type's endpoints. Shared and immutable once built (agent_type holds a
/// shared_ptr<const endpoint_table>).
struct endpoint_table {
  std::vector<endpoint> endpoints;

  /// The endpoint named `action`, or nullptr. The pointer lives as long as the table.
  const endpoint* find(std::string_view action) const;
};

/// Returns why `table` is unusable, or an empty error: agent_errc::invalid_name for an
/// action that is not a subject token, starts with '_', or appears twice;
/// caf::sec::invalid_argument for a null descriptor or an empty invoke. The message names
/// the action and its position.
caf::error validate(const endpoint_table& table);

namespace detail {

/// Checks that `request` is non-null and of type `want`; the error names `action`.
caf::error check_request(const google::protobuf::Message* request,
                         const google::protobuf::Descriptor* want, std::string_view action);

/// The error for an exception escaping a translation function of `action`.
caf::error translation_failed(std::string_view action, std::exception_ptr ep);

/// Errors found before anything is sent (invalid agent, deadline passed).
caf::error check_call(const caf::actor& agent, caf::timespan timeout, std::string_view action);

template <class T>
struct is_expected : std::false_type {};

template <class T>
struct is_expected<caf::expected<T>> : std::true_type {};

/// The decayed argument types of a callable, as a type_list.
template <class F>
struct decayed_args;

template <class F>
using decayed_args_t = typename decayed_args<F>::type;

template <class... Ts>
struct decay_list {
  using type = caf::detail::type_list<std::decay_t<Ts>...>;
};

template <class F>
struct decayed_args {
  template <class... Ts>
  static decay_list<Ts...> of(caf::detail::type_list<Ts...>);
  using type = typename decltype(of(
    typename caf::detail::get_callable_trait<F>::arg_types{}))::type;
};

/// Wraps what a from_reply returned (Resp or caf::expected<Resp>) as an endpoint_result.
template <class Resp, class R>
endpoint_result to_result(R&& r) {
  using base = google::protobuf::Message;
  if constexpr (is_expected<std::decay_t<R>>::value) {
    if (!r)
      return std::move(r.error());
    return std::shared_ptr<const base>{std::make_shared<const Resp>(std::move(*r))};
  } else {
    return std::shared_ptr<const base>{std::make_shared<const Resp>(std::forward<R>(r))};
  }
}

/// Calls from_reply with the elements of `reply` (which match `Outs...`).
template <class Resp, class FromReply, class... Outs, size_t... Is>
endpoint_result apply_reply(const caf::message& reply, const FromReply& from_reply,
                            caf::detail::type_list<Outs...>, std::index_sequence<Is...>) {
  return to_result<Resp>(from_reply(reply.get_as<Outs>(Is)...));
}

/// read_reply's body: `reply` as from_reply's `Outs...`, or as the agent's error.
template <class Resp, class FromReply, class... Outs>
endpoint_result read_reply(const caf::message& reply, const std::string& action,
                           const FromReply& from_reply, caf::detail::type_list<Outs...> outs) {
  if (reply.match_elements<caf::error>())
    return reply.get_as<caf::error>(0);
  if (!reply.match_elements<Outs...>())
    return caf::make_error(caf::sec::unexpected_response,
                           "unexpected reply to '" + action + "': " + caf::to_string(reply));
  try {
    return apply_reply<Resp>(reply, from_reply, outs, std::index_sequence_for<Outs...>{});
  } catch (...) {
    return translation_failed(action, std::current_exception());
  }
}

/// Sends `xs...` and installs the reply handlers for reply types `Outs...`.
template <class Resp, class FromReply, class... Outs, class... Xs>
void send(caf::event_based_actor* self, const caf::actor& agent, caf::timespan timeout,
          std::shared_ptr<const std::string> action, FromReply from_reply, endpoint_done done,
          caf::detail::type_list<Outs...>, Xs&&... xs) {
  auto on_reply = [action, from_reply, done](const Outs&... outs) {
    endpoint_result res = caf::make_error(caf::sec::runtime_error);
    try {
      res = to_result<Resp>(from_reply(outs...));
    } catch (...) {
      res = translation_failed(*action, std::current_exception());
    }
    done(std::move(res));
  };
  self->request(agent, timeout, std::forward<Xs>(xs)...)
    .then(std::move(on_reply), [done](caf::error& err) { done(std::move(err)); });
}

} // namespace detail

/// Builds the endpoint `action` for request type `Req` and response type `Resp` (generated
/// protobuf classes).
/// - `to_message(const Req&)` returns a std::tuple of the agent's typed message, e.g.
///   `std::make_tuple(echo_atom::value, r.text())`.
/// - `from_reply(outs...)` takes the agent's reply values by value or const reference (its
///   parameter types are the reply types expected, e.g. `(int64_t v)`) and returns `Resp`, or
///   `caf::expected<Resp>` to report a domain error.
/// Both must be copyable, stateless or immutable (endpoints are shared across threads); an
/// exception they throw is reported as caf::sec::runtime_error, never propagated.
/// A reply of other types than from_reply's parameters reaches `done` as an error
/// (caf::sec::unexpected_response).
template <class Req, class Resp, class ToMsg, class FromReply>
endpoint make_endpoint(std::string action, ToMsg to_message, FromReply from_reply) {
  static_assert(std::is_base_of_v<google::protobuf::Message, Req>, "Req must be a protobuf message");
  static_assert(std::is_base_of_v<google::protobuf::Message, Resp>,
                "Resp must be a protobuf message");
  using outs = detail::decayed_args_t<FromReply>;
  auto name = std::make_shared<const std::string>(action);
  auto invoke = [name, to_message, from_reply](
                  caf::event_based_actor* self, const caf::actor& agent,
                  std::shared_ptr<const google::protobuf::Message> request,
                  caf::timespan timeout, endpoint_done done) {
    if (auto err = detail::check_request(request.get(), Req::descriptor(), *name))
      return done(std::move(err));
    if (auto err = detail::check_call(agent, timeout, *name))
      return done(std::move(err));
    // A message of Req's descriptor that is not a Req (a DynamicMessage) is copied.
    auto typed = std::dynamic_pointer_cast<const Req>(request);
    if (!typed) {
      auto copy = std::make_shared<Req>();
      copy->CopyFrom(*request);
      typed = std::move(copy);
    }
    try {
      auto msg = to_message(*typed);
      std::apply(
        [&](auto&&... xs) {
          detail::send<Resp>(self, agent, timeout, name, from_reply, done, outs{},
                             std::forward<decltype(xs)>(xs)...);
        },
        std::move(msg));
    } catch (...) {
      done(detail::translation_failed(*name, std::current_exception()));
    }
  };
  auto send_request = [name, to_message](const caf::actor& agent,
                                         std::shared_ptr<const google::protobuf::Message> request,
                                         caf::strong_actor_ptr sender,
                                         caf::message_id mid) -> caf::error {
    if (auto err = detail::check_request(request.get(), Req::descriptor(), *name))
      return err;
    if (!agent)
      return caf::make_error(caf::sec::invalid_argument, "no agent for action '" + *name + "'");
    auto typed = std::dynamic_pointer_cast<const Req>(request);
    if (!typed) {
      auto copy = std::make_shared<Req>();
      copy->CopyFrom(*request);
      typed = std::move(copy);
    }
    try {
      auto content = std::apply(
        [](auto&&... xs) { return caf::make_message(std::forward<decltype(xs)>(xs)...); },
        to_message(*typed));
      // On a thread with an inline dispatch open (a NATS delivery callback), the agent runs
      // there when the dispatch ends; elsewhere CAF schedules it.
      agent->enqueue(std::move(sender), mid, std::move(content), core::inline_unit());
    } catch (...) {
      return detail::translation_failed(*name, std::current_exception());
    }
    return caf::error{};
  };
  // A post is a request without a sender or a reply: what caf::anon_send enqueues.
  auto post = [send_request](const caf::actor& agent,
                             std::shared_ptr<const google::protobuf::Message> request) {
    return send_request(agent, std::move(request), nullptr, caf::make_message_id());
  };
  auto read_reply = [name, from_reply](caf::message& reply) {
    return detail::read_reply<Resp>(reply, *name, from_reply, outs{});
  };
  return {std::move(action), Req::descriptor(), Resp::descriptor(), std::move(invoke),
          std::move(post), std::move(send_request), std::move(read_reply)};
}

} // namespace smith::agent
