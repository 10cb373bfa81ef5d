// Admin service subjects: smith.admin.ping and smith.admin.{node}.{verb}.
#include <doctest/doctest.h>

#include "runtime/bridge/subject.hpp"
#include "runtime/bridge/wire_code.hpp"

using namespace smith::bridge;

TEST_CASE("admin subjects are built from a node token and a verb") {
  CHECK(admin_ping_subject() == "smith.admin.ping");
  CHECK(*admin_subject("n1", admin_verb::inspect) == "smith.admin.n1.inspect");
  CHECK(*admin_subject("node-2", admin_verb::stats) == "smith.admin.node-2.stats");
  CHECK(*admin_wildcard("n1") == "smith.admin.n1.*");
  auto bad = admin_subject("n.1", admin_verb::tree);
  REQUIRE_FALSE(bad);
  CHECK(code_of(bad.error()) == wire_code::bad_request);
  CHECK(error_text(bad.error()).find("node 'n.1'") != std::string::npos);
  CHECK_FALSE(admin_wildcard(""));
}

TEST_CASE("every admin verb round-trips through its subject") {
  for (int i = 0; i <= static_cast<int>(admin_verb::memory); ++i) {
    auto verb = static_cast<admin_verb>(i);
    auto subject = admin_subject("n3", verb);
    REQUIRE(subject);
    auto parsed = parse_admin_subject(*subject);
    REQUIRE(parsed);
    CHECK(parsed->node == "n3");
    CHECK(parsed->verb == verb);
    CHECK(*parse_admin_verb(to_string(verb)) == verb);
  }
}

TEST_CASE("parse_admin_subject refuses other subjects, bad nodes and unknown verbs") {
  auto text = [](std::string_view s) {
    auto x = parse_admin_subject(s);
    REQUIRE_FALSE(x);
    CHECK(code_of(x.error()) == wire_code::bad_request);
    return error_text(x.error());
  };
  CHECK(text("agents.examples.a.b").find("is not smith.admin") != std::string::npos);
  CHECK(text("smith.admin.n1").find("has no verb") != std::string::npos);
  CHECK(text("smith.admin.n1.fly").find("unknown admin verb 'fly'") != std::string::npos);
  CHECK(text("smith.admin.n1.info.x").find("unknown admin verb 'info.x'") != std::string::npos);
  CHECK(text("smith.admin..info").find("node ''") != std::string::npos);
}
