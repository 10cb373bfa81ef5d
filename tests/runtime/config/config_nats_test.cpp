// The [nats] and [cluster] sections.
#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;
using namespace std::chrono_literals;

TEST_CASE("without [nats] and [cluster] NATS is off and the cluster defaults apply") {
  auto cfg = load_ok("");
  CHECK(cfg.nats.urls.empty());
  CHECK(cfg.nats.ping_interval == 5000ms);
  CHECK(cfg.nats.max_pings_out == 2);
  CHECK(cfg.nats.max_payload == 512 * 1024);
  CHECK(cfg.nats.where.empty());
  CHECK(cfg.cluster.heartbeat_interval == 1000ms);
  CHECK(cfg.cluster.down_after == 3000ms);
  CHECK(cfg.cluster.kv_bucket == "smith_registry");
  CHECK(cfg.cluster.kv_replicas == 1);
  CHECK(cfg.cluster.kv_refresh == 10000ms);
  CHECK(cfg.cluster.anti_entropy_interval == 5000ms);
}

TEST_CASE("the nats section maps every key") {
  auto cfg = load_ok("[nats]\n"
                     "urls = [\"nats://127.0.0.1:4222\", \"tls://nats.example.com:4443\", "
                     "\"nats://[::1]:4222\"]\n"
                     "token = \"s3cret\"\n"
                     "tls_ca = \"ca.pem\"\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n"
                     "ping_interval_ms = 2000\nmax_pings_out = 3\nreconnect_wait_ms = 100\n"
                     "reconnect_buffer_bytes = 1048576\nconnect_timeout_ms = 500\n"
                     "max_payload = 1024\n");
  CHECK(cfg.nats.urls
        == std::vector<std::string>{"nats://127.0.0.1:4222", "tls://nats.example.com:4443",
                                    "nats://[::1]:4222"});
  CHECK(cfg.nats.token == "s3cret");
  CHECK(cfg.nats.tls_ca == "ca.pem");
  CHECK(cfg.nats.tls_cert == "c.pem");
  CHECK(cfg.nats.tls_key == "k.pem");
  CHECK(cfg.nats.ping_interval == 2000ms);
  CHECK(cfg.nats.max_pings_out == 3);
  CHECK(cfg.nats.reconnect_wait == 100ms);
  CHECK(cfg.nats.reconnect_buffer_bytes == 1048576);
  CHECK(cfg.nats.connect_timeout == 500ms);
  CHECK(cfg.nats.max_payload == 1024);
  CHECK(cfg.nats.where == "t.toml:1:1");
  auto userpw = load_ok("[nats]\nuser = \"u\"\npassword = \"p\"\n");
  CHECK(userpw.nats.user == "u");
  CHECK(userpw.nats.password == "p");
  CHECK(load_ok("[nats]\ncredentials = \"x.creds\"\n").nats.credentials == "x.creds");
}

TEST_CASE("the cluster section maps every key") {
  auto cfg = load_ok("[cluster]\nheartbeat_interval_ms = 200\ndown_after_ms = 900\n"
                     "kv_bucket = \"reg-2\"\nkv_replicas = 3\nkv_refresh_ms = 4000\n"
                     "anti_entropy_interval_ms = 1500\n");
  CHECK(cfg.cluster.heartbeat_interval == 200ms);
  CHECK(cfg.cluster.down_after == 900ms);
  CHECK(cfg.cluster.kv_bucket == "reg-2");
  CHECK(cfg.cluster.kv_replicas == 3);
  CHECK(cfg.cluster.kv_refresh == 4000ms);
  CHECK(cfg.cluster.anti_entropy_interval == 1500ms);
}

TEST_CASE("malformed NATS URLs are refused at the entry") {
  auto msg = load_error("[nats]\nurls = [\"nats://127.0.0.1:4222\", \"http://x:1\"]\n",
                        config_errc::invalid_value);
  CHECK(msg == "t.toml:2:34: NATS URL 'http://x:1' must start with nats:// or tls://");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = [\"nats://127.0.0.1\"]\n", config_errc::invalid_value),
                     "t.toml:2:9: NATS URL 'nats://127.0.0.1' needs a port");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = [\"nats://h:99999\"]\n", config_errc::invalid_value),
                     "t.toml:2:9: NATS URL 'nats://h:99999' has an invalid port");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = [\"nats://a b:1\"]\n", config_errc::invalid_value),
                     "t.toml:2:9: NATS URL 'nats://a b:1' has an invalid host");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = [\"nats://u:p@h:1\"]\n", config_errc::invalid_value),
                     "t.toml:2:9: NATS URL 'nats://u:p@h:1' must not hold credentials");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = [4222]\n", config_errc::wrong_type),
                     "t.toml:2:9: each entry of 'urls' must be a string, got an integer");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurls = \"nats://h:1\"\n", config_errc::wrong_type),
                     "t.toml:2:8: 'urls' must be an array of strings, got a string");
}

TEST_CASE("nats authentication and TLS keys must be consistent") {
  SMITH_CHECK_PREFIX(load_error("[nats]\ntoken = \"t\"\ncredentials = \"c\"\n",
                                config_errc::invalid_value),
                     "t.toml:1:1: [nats] takes only one of user/password, token and credentials");
  SMITH_CHECK_PREFIX(load_error("[nats]\nuser = \"u\"\n", config_errc::missing_key),
                     "t.toml:1:1: [nats] user and password must be given together");
  SMITH_CHECK_PREFIX(load_error("[nats]\ntls_cert = \"c.pem\"\n", config_errc::missing_key),
                     "t.toml:1:1: [nats] tls_cert and tls_key must be given together");
  SMITH_CHECK_PREFIX(load_error("[nats]\ntoken = \"\"\n", config_errc::invalid_value),
                     "t.toml:2:9: 'token' must not be empty");
}

TEST_CASE("nats timing and sizes are range-checked") {
  SMITH_CHECK_PREFIX(load_error("[nats]\nping_interval_ms = 6000\nmax_pings_out = 2\n",
                                config_errc::out_of_range),
                     "t.toml:1:1: [nats] ping_interval_ms * (max_pings_out + 1) must be at most 15000");
  SMITH_CHECK_PREFIX(load_error("[nats]\nmax_payload = 0\n", config_errc::out_of_range),
                     "t.toml:2:15: 'max_payload' must be an integer in 1..8388608, got 0");
  SMITH_CHECK_PREFIX(load_error("[nats]\nmax_payload = 8388609\n", config_errc::out_of_range),
                     "t.toml:2:15:");
  SMITH_CHECK_PREFIX(load_error("[nats]\nmax_pings_out = 0\n", config_errc::out_of_range),
                     "t.toml:2:17:");
  SMITH_CHECK_PREFIX(load_error("[nats]\nurl = [\"nats://h:1\"]\n", config_errc::unknown_key),
                     "t.toml:2:1: unknown key 'url' in [nats] (did you mean 'urls'?)");
}

TEST_CASE("cluster timing, bucket and replicas are validated") {
  SMITH_CHECK_PREFIX(load_error("[cluster]\nheartbeat_interval_ms = 1000\ndown_after_ms = 1000\n",
                                config_errc::out_of_range),
                     "t.toml:1:1: [cluster] down_after_ms must be greater than heartbeat_interval_ms");
  SMITH_CHECK_PREFIX(load_error("[cluster]\ndown_after_ms = 60001\n", config_errc::out_of_range),
                     "t.toml:2:17: 'down_after_ms' must be an integer in 20..60000");
  SMITH_CHECK_PREFIX(load_error("[cluster]\nkv_replicas = 6\n", config_errc::out_of_range),
                     "t.toml:2:15: 'kv_replicas' must be an integer in 1..5, got 6");
  SMITH_CHECK_PREFIX(load_error("[cluster]\nkv_bucket = \"a.b\"\n", config_errc::invalid_value),
                     "t.toml:2:13: KV bucket name 'a.b' may only hold letters");
  SMITH_CHECK_PREFIX(load_error("[cluster]\nheartbeat_ms = 5\n", config_errc::unknown_key),
                     "t.toml:2:1: unknown key 'heartbeat_ms' in [cluster]");
}
