// Helpers of the config tests: load text and take the error apart.
#pragma once

#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/message.hpp>
#include <doctest/doctest.h>

#include "runtime/config/config_errc.hpp"
#include "runtime/config/config_loader.hpp"

namespace smith::config::test {

/// The user-facing message of a config error (its single string context).
inline std::string message_of(const caf::error& err) {
  REQUIRE(err.context().match_elements<std::string>());
  return err.context().get_as<std::string>(0);
}

/// Loads `text` as "t.toml", requires it to fail with `code`, returns the message.
inline std::string load_error(std::string_view text, config_errc code) {
  auto cfg = load_config_text(text, "t.toml");
  REQUIRE_FALSE(cfg);
  auto msg = message_of(cfg.error());
  INFO("message: ", msg);
  CHECK(cfg.error().category() == caf::atom("smith_cfg"));
  CHECK(to_string(static_cast<config_errc>(cfg.error().code())) == to_string(code));
  return msg;
}

/// Loads `text` as "t.toml" and requires success.
inline node_config load_ok(std::string_view text) {
  auto cfg = load_config_text(text, "t.toml");
  if (!cfg)
    FAIL("unexpected error: ", message_of(cfg.error()));
  return std::move(*cfg);
}

} // namespace smith::config::test

/// Checks that `msg` starts with `prefix` and shows both when it does not.
#define SMITH_CHECK_PREFIX(msg, prefix)                                                       \
  CHECK_MESSAGE(std::string_view{msg}.starts_with(prefix), "message: ", msg)
