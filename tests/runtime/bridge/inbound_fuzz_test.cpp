// validate_inbound against hostile payloads: random bytes, truncations and bit flips.
#include <doctest/doctest.h>

#include <random>

#include <google/protobuf/util/message_differencer.h>

#include "runtime/bridge/inbound.hpp"
#include "smith/bridge/v1/bridge.pb.h"

using namespace smith::bridge;
using namespace std::chrono_literals;

namespace {

namespace v1 = smith::bridge::v1;

const wall_time fuzz_now{std::chrono::milliseconds{1700000000000}};

v1::NodeHeartbeat heartbeat() {
  v1::NodeHeartbeat hb;
  hb.set_node("node-a");
  hb.set_instance("0f8e2c9a-1b2c-4d3e-8f90-123456789abc");
  hb.mutable_sent_at()->set_seconds(1700000000);
  hb.mutable_sent_at()->set_nanos(123456789);
  hb.set_beat(987654321);
  hb.set_heartbeat_interval_ms(1000);
  hb.set_down_after_ms(3000);
  hb.mutable_digest()->set_count(3);
  hb.mutable_digest()->set_hash(0xDEADBEEFCAFEF00DULL);
  hb.set_last_change_sequence(17);
  hb.set_version("0.3.0-rc.1");
  hb.add_domains("examples");
  hb.add_domains("ünïcode");
  return hb;
}

v1::SyncResponse sync_response() {
  v1::SyncResponse s;
  s.set_node("node-b");
  s.set_node_instance("1f8e2c9a-1b2c-4d3e-8f90-123456789abc");
  s.set_sequence(42);
  for (int i = 0; i < 2; ++i) {
    auto* r = s.add_records();
    r->mutable_id()->set_domain("examples");
    r->mutable_id()->set_name("echo-" + std::to_string(i));
    r->mutable_id()->set_version("1.2.3");
    auto* cap = r->add_capabilities();
    cap->set_name("echo");
    (*cap->mutable_metadata())["lang"] = "en";
    r->mutable_load()->set_mailbox_depth(5);
    r->set_node("node-b");
    r->set_heartbeats(true);
  }
  s.mutable_digest()->set_count(2);
  return s;
}

/// Feeds payloads of one type through validate_inbound and checks every outcome.
class fuzz_runner {
public:
  explicit fuzz_runner(const google::protobuf::Message& prototype)
    : prototype_(prototype),
      headers_(request_headers(prototype.GetDescriptor()->full_name(), fuzz_now + 1s, "", "", "")) {
  }

  /// Runs one payload; returns whether it was accepted.
  bool run(const std::string& data) {
    ++total;
    auto r = validate_inbound("agents.examples.echo-1.echo", "_INBOX.x.y", headers_, data, {},
                              fuzz_now);
    if (!r) {
      // Subject, size and headers are fine: only the payload can be at fault.
      REQUIRE(code_of(r.error()) == wire_code::bad_request);
      REQUIRE_FALSE(error_text(r.error()).empty());
      return false;
    }
    // Accepted: the result equals an independent parse and survives a round trip.
    std::unique_ptr<google::protobuf::Message> direct{prototype_.New()};
    REQUIRE(direct->ParseFromString(data));
    REQUIRE(google::protobuf::util::MessageDifferencer::Equals(*direct, *r->payload));
    std::unique_ptr<google::protobuf::Message> again{prototype_.New()};
    REQUIRE(again->ParseFromString(r->payload->SerializeAsString()));
    REQUIRE(google::protobuf::util::MessageDifferencer::Equals(*again, *r->payload));
    ++accepted;
    return true;
  }

  size_t total = 0;
  size_t accepted = 0;

private:
  const google::protobuf::Message& prototype_;
  smith::nats::header_list headers_;
};

} // namespace

constexpr size_t random_payloads = 8000;

TEST_CASE("random bytes never crash validate_inbound, all but a few tiny ones are bad_request") {
  std::mt19937 rng{20240611};
  auto hb = heartbeat();
  fuzz_runner runner{hb};
  std::uniform_int_distribution<int> len{1, 300};
  std::uniform_int_distribution<int> byte{0, 255};
  size_t long_accepted = 0;
  for (size_t i = 0; i < random_payloads; ++i) {
    std::string data(static_cast<size_t>(len(rng)), '\0');
    for (auto& c : data)
      c = static_cast<char>(byte(rng));
    // A few bytes can form a valid message by chance (e.g. 0x40 0x86 0x04 sets field 8);
    // run() checks such acceptances are consistent. Longer ones must hit a bad tag,
    // an undefined field or invalid UTF-8.
    if (runner.run(data) && data.size() >= 8)
      ++long_accepted;
  }
  CHECK(runner.total == random_payloads);
  CHECK(runner.accepted <= 5);
  CHECK(long_accepted == 0);
}

TEST_CASE("every truncation and every bit flip of valid messages is accepted consistently or "
          "rejected as bad_request") {
  size_t total = 0;
  auto hb = heartbeat();
  auto sync = sync_response();
  std::vector<const google::protobuf::Message*> samples{&hb, &sync};
  for (auto* sample : samples) {
    fuzz_runner runner{*sample};
    auto bytes = sample->SerializeAsString();
    REQUIRE(runner.run(bytes));
    for (size_t n = 0; n < bytes.size(); ++n)
      runner.run(bytes.substr(0, n));
    // The empty prefix and prefixes ending at a top-level field boundary parse.
    CHECK(runner.accepted >= 2);
    CHECK(runner.accepted < runner.total);
    for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
      auto flipped = bytes;
      flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
      runner.run(flipped);
    }
    total += runner.total;
  }
  MESSAGE("payloads fuzzed: " << total + random_payloads);
  CHECK(total + random_payloads >= 10000);
}
