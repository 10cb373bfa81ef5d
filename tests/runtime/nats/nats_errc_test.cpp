// Translation of nats.c statuses into nats_errc errors.
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/make_message.hpp>
#include <doctest/doctest.h>

#include "runtime/nats/inbound_msg.hpp"

#include "runtime/nats/nats_errc.hpp"
#include "runtime/nats/options_from_config.hpp"

using namespace smith::nats;

TEST_CASE("a natsStatus becomes the matching nats_errc with status text and context") {
  auto err = make_nats_error(NATS_NO_RESPONDERS, "request to 'a.b'");
  REQUIRE(err);
  CHECK(err.category() == caf::atom("smith_nats"));
  CHECK(static_cast<nats_errc>(err.code()) == nats_errc::no_responders);
  auto text = err.context().get_as<std::string>(0);
  CHECK(text.starts_with("request to 'a.b': "));
  CHECK(text.find(natsStatus_GetText(NATS_NO_RESPONDERS)) != std::string::npos);
  CHECK_FALSE(make_nats_error(NATS_OK, "fine"));
  CHECK(to_nats_errc(NATS_INSUFFICIENT_BUFFER) == nats_errc::insufficient_buffer);
  CHECK(to_nats_errc(NATS_CONNECTION_CLOSED) == nats_errc::connection_closed);
  CHECK(to_nats_errc(NATS_SLOW_CONSUMER) == nats_errc::slow_consumer);
  CHECK(to_string(nats_errc::max_payload) == "max_payload");
}

TEST_CASE("a JetStream error code is named and classified") {
  auto err = make_nats_error(NATS_ERR, JSNotEnabledErr, "open KV bucket 'x'");
  CHECK(static_cast<nats_errc>(err.code()) == nats_errc::jetstream);
  CHECK(err.context().get_as<std::string>(0).find("10076") != std::string::npos);
  auto missing = make_nats_error(NATS_ERR, JSStreamNotFoundErr, "s");
  CHECK(static_cast<nats_errc>(missing.code()) == nats_errc::not_found);
}

TEST_CASE("the [nats] config becomes connection options") {
  smith::config::nats_config cfg;
  cfg.urls = {"nats://127.0.0.1:4222"};
  cfg.token = "t";
  cfg.max_pings_out = 3;
  auto opts = to_nats_options(cfg, "node-1");
  CHECK(opts.urls == cfg.urls);
  CHECK(opts.name == "node-1");
  CHECK(opts.token == "t");
  CHECK(opts.max_pings_out == 3);
  CHECK(opts.max_reconnect == -1);
  CHECK(opts.ping_interval == cfg.ping_interval);
}

TEST_CASE("an inbound_msg survives CAF serialization and fits in a caf::message") {
  inbound_msg m{"a.b", "_INBOX.x.1", {{"K", "v1"}, {"K", "v2"}}, std::string{"d\0t", 3}, true};
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(m));
  inbound_msg copy;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(copy));
  CHECK(copy.subject == m.subject);
  CHECK(copy.reply == m.reply);
  CHECK(copy.headers == m.headers);
  CHECK(copy.data == m.data);
  CHECK(copy.no_responders);
  auto msg = caf::make_message(m);
  CHECK(msg.match_elements<inbound_msg>());
  CHECK(caf::deep_to_string(m).find("a.b") != std::string::npos);
}
