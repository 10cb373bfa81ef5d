// [http]: defaults, the listen address, the loopback rule, and file:line errors.
#include <string>

#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;

TEST_CASE("http is on by default, on a free loopback port") {
  auto cfg = load_ok("[node]\nname = \"n\"\n");
  CHECK(cfg.http.enabled);
  CHECK(cfg.http.host == "127.0.0.1");
  CHECK(cfg.http.port == 0);
  CHECK_FALSE(cfg.http.allow_remote);
  CHECK(cfg.http.threads == 4);
}

TEST_CASE("[http] maps every key, and localhost and [::1] are loopback") {
  auto cfg = load_ok("[http]\nenabled = false\nlisten = \"127.0.0.2:9464\"\nthreads = 3\n");
  CHECK_FALSE(cfg.http.enabled);
  CHECK(cfg.http.host == "127.0.0.2");
  CHECK(cfg.http.port == 9464);
  CHECK(cfg.http.threads == 3);
  CHECK(load_ok("[http]\nlisten = \"localhost:80\"\n").http.host == "127.0.0.1");
  auto v6 = load_ok("[http]\nlisten = \"[::1]:9464\"\n");
  CHECK(v6.http.host == "::1");
  auto remote = load_ok("[http]\nallow_remote = true\nlisten = \"0.0.0.0:9464\"\n");
  CHECK(remote.http.host == "0.0.0.0");
  CHECK(remote.http.allow_remote);
}

TEST_CASE("a non-loopback http address without allow_remote is refused at its position") {
  auto msg = load_error("[http]\nlisten = \"0.0.0.0:9464\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:10: [http] listen address '0.0.0.0:9464' is not a loopback");
  CHECK(msg.find("allow_remote = true") != std::string::npos);
  auto v6 = load_error("[http]\nlisten = \"[::]:1\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(v6, "t.toml:2:10: [http] listen address '[::]:1' is not a loopback");
}

TEST_CASE("bad [http] values are refused at their position") {
  auto port = load_error("[http]\nlisten = \"127.0.0.1:70000\"\n", config_errc::invalid_value);
  CHECK(port == "t.toml:2:10: [http] listen address '127.0.0.1:70000' has an invalid port "
                "'70000' (0..65535)");
  auto host = load_error("[http]\nlisten = \"example.org:80\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(host, "t.toml:2:10: [http] listen address 'example.org:80' has an invalid host");
  auto noport = load_error("[http]\nlisten = \"127.0.0.1\"\n", config_errc::invalid_value);
  CHECK(noport.find("needs a port") != std::string::npos);
  auto type = load_error("[http]\nenabled = 1\n", config_errc::wrong_type);
  CHECK(type == "t.toml:2:11: [http] enabled must be a boolean, got an integer");
  load_error("[http]\nthreads = 0\n", config_errc::out_of_range);
  auto key = load_error("[http]\nport = 80\n", config_errc::unknown_key);
  SMITH_CHECK_PREFIX(key, "t.toml:2:1: unknown key 'port' in [http]");
}
