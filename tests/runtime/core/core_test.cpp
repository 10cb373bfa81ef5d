// Subject tokens, OTP's shutdown reason, JSON log escaping.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "runtime/core/shutdown.hpp"
#include "runtime/core/token.hpp"
#include "runtime/log/logging.hpp"

using namespace smith;

TEST_CASE("subject tokens accept ordinary names and explain every refusal") {
  CHECK_FALSE(token_error("counter-1"));
  CHECK_FALSE(token_error("Ünïcode_ok"));
  CHECK(token_error("")->find("empty") != std::string::npos);
  CHECK(token_error("a.b")->find("'.' at offset 1") != std::string::npos);
  CHECK(token_error("a*")->find("'*'") != std::string::npos);
  CHECK(token_error("a>")->find("'>'") != std::string::npos);
  CHECK(token_error("a b")->find("0x20 at offset 1") != std::string::npos);
  CHECK(token_error(std::string{"a\x01"})->find("0x01") != std::string::npos);
  CHECK(token_error(std::string(max_token_length + 1, 'x'))->find("limit") != std::string::npos);
  CHECK_FALSE(token_error(std::string(max_token_length, 'x')));
}

TEST_CASE("the shutdown reason is caf's user_shutdown and keeps its context") {
  auto r = shutdown_reason("drained");
  CHECK(is_shutdown(r));
  CHECK(r == caf::exit_reason::user_shutdown);
  CHECK(caf::to_string(r.context()).find("drained") != std::string::npos);
  CHECK_FALSE(is_shutdown(caf::make_error(caf::exit_reason::kill)));
  CHECK_FALSE(is_shutdown(caf::error{}));
}

TEST_CASE("json log lines escape quotes, backslashes and control bytes") {
  CHECK(log::json_escape("plain") == "plain");
  CHECK(log::json_escape("say \"hi\"\\") == "say \\\"hi\\\"\\\\");
  CHECK(log::json_escape("a\nb\tc") == "a\\nb\\tc");
  CHECK(log::json_escape(std::string{"\x01"}) == "\\u0001");
}
