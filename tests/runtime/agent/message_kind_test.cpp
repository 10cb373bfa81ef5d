// Which messages an agent bounds, holds and counts: agent_core::is_user_message.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "runtime/agent/agent_core.hpp"
#include "runtime/core/atoms.hpp"

using smith::agent::agent_core;

namespace {

using job_atom = caf::atom_constant<caf::atom("job")>;

template <class... Ts>
bool user(caf::message_id mid, Ts&&... xs) {
  auto x = caf::make_mailbox_element(nullptr, mid, {}, std::forward<Ts>(xs)...);
  return agent_core::is_user_message(*x);
}

template <class... Ts>
bool user(Ts&&... xs) {
  return user(caf::make_message_id(), std::forward<Ts>(xs)...);
}

} // namespace

TEST_CASE("ordinary messages and requests are user messages, whatever their first element") {
  CHECK(user(job_atom::value, int64_t{1}));
  CHECK(user(int32_t{7}));
  CHECK(user(std::string{"text"}));
  CHECK(user(caf::make_message_id(42), job_atom::value));
  CHECK(user(caf::make_message()));
  // More than five elements: the type token no longer holds the first one.
  CHECK(user(job_atom::value, 1, 2, 3, 4, 5));
  CHECK(user(1, smith::suspend_atom::value, 3, 4, 5, 6));
}

TEST_CASE("system messages, control messages and responses are not user messages") {
  CHECK_FALSE(user(caf::exit_msg{}));
  CHECK_FALSE(user(caf::down_msg{}));
  CHECK_FALSE(user(caf::make_error(caf::sec::runtime_error)));
  CHECK_FALSE(user(caf::timeout_msg{}));
  CHECK_FALSE(user(smith::suspend_atom::value));
  CHECK_FALSE(user(smith::suspend_atom::value, int64_t{1}));
  CHECK_FALSE(user(smith::suspend_atom::value, 1, 2, 3, 4, 5)); // past the token's reach
  CHECK_FALSE(user(caf::sys_atom::value, caf::get_atom::value));
  CHECK_FALSE(user(caf::make_message_id(42).response_id(), job_atom::value));
  // A system message type inside a larger message is the user's own data.
  CHECK(user(caf::exit_msg{}, int32_t{1}));
}
