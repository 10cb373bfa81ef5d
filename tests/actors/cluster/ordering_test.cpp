// What other nodes learn, and when: a registration is announced only once the owner's bridge
// confirms its route; a sync answer older than the changes applied does not shrink the view.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include "actors/cluster/cluster_codec.hpp"
#include "actors/cluster/replicator_state.hpp"
#include "runtime/bridge/bridge_api.hpp"
#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire.hpp"
#include "runtime/registry/record_codec.hpp"
#include "tests/actors/cluster/cluster_test_support.hpp"
#include "tests/support/nats_server.hpp"

using namespace smith;
using namespace smith::cluster;
using namespace smith::cluster::test;

namespace {

/// What the stand-in bridge holds.
struct held_routes_state {
  std::vector<caf::response_promise> held;
};

/// Stands in for node `n`'s bridge: takes `routed` requests and answers them when told.
class held_routes {
public:
  explicit held_routes(cluster_node& n) : sys_(n.sys()) {
    auto taken = taken_;
    // (An unused argument: CAF 0.17 mishandles function actors without one.)
    using self_ptr = caf::stateful_actor<held_routes_state>*;
    actor_ = sys_.spawn([taken](self_ptr self, int) -> caf::behavior {
      return {
        [=](bridge::routed_atom, const std::string&, const std::string&, const std::string&) {
          self->state.held.push_back(self->make_response_promise());
          taken->fetch_add(1);
          return self->state.held.back();
        },
        [=](caf::ok_atom) {
          for (auto& rp : self->state.held)
            rp.deliver(caf::ok_atom::value);
          self->state.held.clear();
        },
      };
    }, 0);
    sys_.registry().put(bridge::bridge_name, caf::actor_cast<caf::strong_actor_ptr>(actor_));
  }

  ~held_routes() {
    sys_.registry().erase(bridge::bridge_name);
    caf::anon_send_exit(actor_, caf::exit_reason::kill);
  }

  held_routes(const held_routes&) = delete;
  held_routes& operator=(const held_routes&) = delete;

  /// How many `routed` requests arrived.
  int taken() const { return taken_->load(); }

  /// Confirms every route held so far.
  void release() { caf::anon_send(actor_, caf::ok_atom::value); }

private:
  caf::actor_system& sys_;
  std::shared_ptr<std::atomic<int>> taken_ = std::make_shared<std::atomic<int>>(0);
  caf::actor actor_;
};

} // namespace

TEST_CASE("a registration reaches other nodes only after the owner's bridge confirms its route") {
  smith::test::nats_server server;
  cluster_node a{"node-a", {server.url()}, fast_cluster(20s), true};
  cluster_node b{"node-b", {server.url()}, fast_cluster(20s)};
  held_routes routes{a};
  REQUIRE(eventually([&] { return all_up({&a, &b}); }, 3s));
  auto before = a.local();
  auto x = a.register_agent("x");
  // The replicator asks the bridge and waits: nothing is announced, the mirror is unchanged.
  REQUIRE(eventually([&] { return routes.taken() == 1; }, 2s));
  auto held = a.local();
  CHECK(held.sequence == before.sequence);
  CHECK(held.digest == before.digest);
  CHECK_FALSE(b.sees("x", "node-a"));
  routes.release();
  CHECK(eventually([&] { return b.sees("x", "node-a"); }, 2s));
  CHECK(a.local().sequence == before.sequence + 1);
  // A restart: the same name with a new instance. The departure goes out at once, the new
  // instance waits for its route like any registration.
  a.deregister(x);
  a.register_agent("x");
  REQUIRE(eventually([&] { return routes.taken() == 2; }, 2s));
  CHECK(eventually([&] { return !b.sees("x", "node-a"); }, 2s));
  CHECK(a.local().sequence == before.sequence + 2);
  routes.release();
  CHECK(eventually([&] { return b.sees("x", "node-a"); }, 2s));
  CHECK(a.local().sequence == before.sequence + 3);
}
namespace {

/// A node "node-f" played by the test: it publishes RegistryChanges and answers sync
/// requests with its current records, or holds them for the test to answer (hold).
class scripted_peer {
public:
  explicit scripted_peer(cluster_node& via) : via_(via) {
    auto subject = bridge::registry_sync_subject(name);
    REQUIRE(subject);
    auto sub = via_.link().rpc->subscribe(*subject, "", [this](nats::inbound_msg&& m) {
      std::lock_guard guard{mtx_};
      if (hold_)
        requests_.push_back(std::move(m));
      else
        reply(m.reply, sequence_, records_);
    });
    REQUIRE(sub);
    sub_ = std::move(*sub);
    REQUIRE_FALSE(via_.link().rpc->flush(2s));
  }

  static inline const std::string name = "node-f";
  const std::string instance = agent::new_uuid();

  /// A record of agent `agent` of this node.
  registry::agent_record record(const std::string& agent) const {
    registry::agent_record r;
    r.id = *agent::make_agent_id("tests", agent, "1.0.0");
    r.node = name;
    r.capabilities = {{"work", "", {{"owner", name}}}};
    return r;
  }

  /// Registers `r` as change `sequence` (published unless `lost`).
  void change(uint64_t sequence, const registry::agent_record& r, bool lost = false) {
    {
      std::lock_guard guard{mtx_};
      sequence_ = sequence;
      records_.push_back(r);
    }
    if (lost)
      return;
    bridge::v1::RegistryChange ch;
    ch.set_node(name);
    ch.set_node_instance(instance);
    ch.set_sequence(sequence);
    ch.set_kind(bridge::v1::RegistryChange::KIND_REGISTERED);
    *ch.mutable_record() = registry::to_proto(r, 0);
    auto msg = encode_change(ch);
    REQUIRE(msg);
    REQUIRE_FALSE(via_.link().bulk->publish(msg->subject, "", msg->headers, msg->body));
    REQUIRE_FALSE(via_.link().bulk->flush(2s));
  }

  /// From now on sync requests wait for next_request and answer.
  void hold() {
    std::lock_guard guard{mtx_};
    hold_ = true;
  }

  /// Waits (up to 3 s) for the next held sync request; false if none came.
  bool next_request() {
    bool got = eventually([&] {
      std::lock_guard guard{mtx_};
      return !requests_.empty();
    }, 3000ms);
    if (got) {
      std::lock_guard guard{mtx_};
      pending_ = std::move(requests_.front());
      requests_.erase(requests_.begin());
    }
    return got;
  }

  /// Answers the request taken by next_request: "at `sequence` my records are `records`".
  void answer(uint64_t sequence, const std::vector<registry::agent_record>& records) {
    reply(pending_.reply, sequence, records);
  }

  /// Every record registered so far.
  std::vector<registry::agent_record> records() {
    std::lock_guard guard{mtx_};
    return records_;
  }

private:
  void reply(const std::string& to, uint64_t sequence,
             const std::vector<registry::agent_record>& records) {
    bridge::v1::SyncResponse resp;
    resp.set_node(name);
    resp.set_node_instance(instance);
    resp.set_sequence(sequence);
    for (auto& r : records)
      *resp.add_records() = registry::to_proto(r, 0);
    auto headers = bridge::reply_headers(sync_response_type, "", "");
    auto err = via_.link().rpc->publish(to, "", headers, resp.SerializeAsString());
    if (!err)
      err = via_.link().rpc->flush(2s);
    failed_ = failed_ || bool(err);
  }

  cluster_node& via_;
  std::mutex mtx_;
  bool hold_ = false;
  uint64_t sequence_ = 0;
  std::vector<registry::agent_record> records_;
  std::vector<nats::inbound_msg> requests_;
  nats::inbound_msg pending_;
  std::atomic<bool> failed_{false};
  nats::subscription sub_;

public:
  /// Whether an answer could not be sent.
  bool failed() const { return failed_; }
};

} // namespace

TEST_CASE("a sync answer older than the changes already applied does not drop newer records") {
  smith::test::nats_server server;
  // Anti-entropy far away: every sync here is one the scripted peer's stream causes.
  cluster_node b{"node-b", {server.url()}, fast_cluster(20s)};
  scripted_peer f{b};
  auto x1 = f.record("x1"), x2 = f.record("x2"), x3 = f.record("x3"), x4 = f.record("x4");
  f.change(1, x1); // an unknown stream: B syncs (answered with x1)
  REQUIRE(eventually([&] { return b.sees("x1", f.name); }, 2s));
  f.change(2, x2); // applied in sequence
  REQUIRE(eventually([&] { return b.sees("x2", f.name); }, 2s));
  f.hold();
  f.change(3, x3, true); // lost on the way
  f.change(4, x4);       // B sees the hole and syncs
  REQUIRE(f.next_request());
  // An answer built before change 2 (it raced change 2 from the rpc to the bulk connection).
  f.answer(1, {x1});
  // B asks again. Fixed, it kept its view and checks it; unfixed, it took the answer (x2 gone)
  // and, having dropped change 4 as beyond the hole, does not ask (the wait fails). The
  // registry handled the answer before the request was sent.
  REQUIRE(f.next_request());
  CHECK(b.sees("x1", f.name));
  CHECK(b.sees("x2", f.name));
  f.answer(4, f.records());
  CHECK(eventually([&] { return b.sees("x3", f.name) && b.sees("x4", f.name); }, 2s));
  CHECK(b.sees("x2", f.name));
  CHECK_FALSE(f.failed());
}

// The rule seed_from and sync answers share (replicator_state.hpp). The KV seed's timing
// cannot be steered from a test, so the rule itself is checked here: the CI failure it fixed
// was a seed that replaced the view of a peer whose change stream was already applied.
TEST_CASE("a view replaces a peer's view only when it is not older than what is applied") {
  peer_stream fresh; // nothing of the peer known yet
  CHECK(replaces_view(fresh, "", 0));      // the KV seed
  CHECK(replaces_view(fresh, "n2-a", 7));  // a sync answer
  peer_stream known;
  known.instance = "n2-a";
  known.applied = 7;
  known.synced = true;
  CHECK_FALSE(replaces_view(known, "", 0)); // a seed never replaces a followed stream
  CHECK_FALSE(replaces_view(known, "n2-a", 6)); // older answer of the same stream
  CHECK(replaces_view(known, "n2-a", 7));
  CHECK(replaces_view(known, "n2-a", 9));
  CHECK(replaces_view(known, "n2-b", 1)); // the peer restarted: a new stream
}
