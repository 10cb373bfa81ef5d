// Tests of config errors about keys, types, ranges, enum values and TOML syntax.
#include <string>

#include <doctest/doctest.h>

#include "tests/runtime/config/config_test_support.hpp"

using namespace smith::config;
using namespace smith::config::test;

TEST_CASE("an unknown key is reported at the key with a did-you-mean suggestion") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"examples\"\n"
                        "intensty = 3\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n",
                        config_errc::unknown_key);
  CHECK(msg == "t.toml:3:1: unknown key 'intensty' in [[domain]] (did you mean 'intensity'?)");
}

TEST_CASE("an unknown table is reported at its header") {
  auto msg = load_error("[log]\nlevel = \"info\"\n\n[nod]\nname = \"x\"\n", config_errc::unknown_key);
  CHECK(msg == "t.toml:4:1: unknown key 'nod' at the top level (did you mean 'node'?)");
}

TEST_CASE("an unknown key without a close match gets no suggestion") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"examples\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n"
                        "  mailbox = 5\n",
                        config_errc::unknown_key);
  CHECK(msg == "t.toml:5:3: unknown key 'mailbox' in [[domain.pool]]");
}

TEST_CASE("a string where an integer belongs is wrong_type at the value") {
  auto msg = load_error("[scheduler]\nthreads = \"4\"\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:2:11: 'threads' must be an integer in 0..256, got a string");
}

TEST_CASE("a float where an integer belongs is wrong_type") {
  auto msg = load_error("[root]\nintensity = 2.5\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:2:13: 'intensity' must be an integer in 0..1000000, got a float");
}

TEST_CASE("a section given as a value is wrong_type") {
  auto msg = load_error("node = 5\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:1:8: 'node' must be a table, got an integer");
}

TEST_CASE("a single-bracket [domain] table is wrong_type naming [[domain]]") {
  auto msg = load_error("[domain]\nname = \"x\"\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:1:1: 'domain' must be an array of tables ([[domain]]), got a table");
}

TEST_CASE("an integer above its range is out_of_range at the value") {
  auto msg = load_error("[scheduler]\nthreads = 300\n", config_errc::out_of_range);
  CHECK(msg == "t.toml:2:11: 'threads' must be an integer in 0..256, got 300");
}

TEST_CASE("a zero period is out_of_range") {
  auto msg = load_error("[root]\nperiod_ms = 0\n", config_errc::out_of_range);
  CHECK(msg == "t.toml:2:13: 'period_ms' must be an integer in 1..86400000, got 0");
}

TEST_CASE("zero pool instances and a zero mailbox are out_of_range") {
  auto msg = load_error("[[domain]]\n"
                        "name = \"d\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"a\"\n"
                        "  instances = 0\n",
                        config_errc::out_of_range);
  CHECK(msg == "t.toml:5:15: 'instances' must be an integer in 1..100000, got 0");
  msg = load_error("[[domain]]\n"
                   "name = \"d\"\n"
                   "  [[domain.pool]]\n"
                   "  agent = \"a\"\n"
                   "  mailbox_capacity = 0\n",
                   config_errc::out_of_range);
  SMITH_CHECK_PREFIX(msg, "t.toml:5:22: 'mailbox_capacity' must be an integer in 1..10000000");
}

TEST_CASE("a misspelt strategy is invalid_value listing the choices and the closest one") {
  auto msg = load_error("[root]\nstrategy = \"one_for_al\"\n", config_errc::invalid_value);
  CHECK(msg
        == "t.toml:2:12: 'strategy' must be one of \"one_for_one\", \"one_for_all\" or "
           "\"rest_for_one\", got \"one_for_al\" (did you mean 'one_for_all'?)");
}

TEST_CASE("bad log, scheduler, restart and auto_shutdown values are invalid_value") {
  auto msg = load_error("[log]\nlevel = \"verbose\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:9: 'level' must be one of \"trace\", \"debug\"");
  msg = load_error("[log]\nformat = \"xml\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:10: 'format' must be one of \"text\" or \"json\", got \"xml\"");
  msg = load_error("[scheduler]\npolicy = \"shared\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:10: 'policy' must be one of \"sharing\", \"stealing\" or \"affinity\"");
  msg = load_error("[[domain]]\nname = \"d\"\nrestart = \"always\"\n[[domain.pool]]\nagent = \"a\"\n",
                   config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:3:11: 'restart' must be one of \"permanent\"");
  msg = load_error("[root]\nauto_shutdown = \"any\"\n", config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:17: 'auto_shutdown' must be one of \"never\"");
}

TEST_CASE("an enum given as a number is wrong_type") {
  auto msg = load_error("[scheduler]\npolicy = 1\n", config_errc::wrong_type);
  CHECK(msg == "t.toml:2:10: 'policy' must be one of \"sharing\", \"stealing\" or \"affinity\", got an integer");
}

TEST_CASE("shutdown accepts only brutal_kill, infinity or milliseconds >= 0") {
  const std::string head = "[[domain]]\nname = \"d\"\n";
  const std::string pool = "[[domain.pool]]\nagent = \"a\"\n";
  auto msg = load_error(head + "shutdown = \"infinty\"\n" + pool, config_errc::invalid_value);
  CHECK(msg
        == "t.toml:3:12: 'shutdown' must be \"brutal_kill\", \"infinity\" or an integer number of "
           "milliseconds >= 0, got \"infinty\" (did you mean 'infinity'?)");
  msg = load_error(head + "shutdown = -1\n" + pool, config_errc::out_of_range);
  SMITH_CHECK_PREFIX(msg, "t.toml:3:12: 'shutdown' must be ");
  CHECK(msg.ends_with("got -1"));
  msg = load_error(head + "shutdown = 1.5\n" + pool, config_errc::wrong_type);
  SMITH_CHECK_PREFIX(msg, "t.toml:3:12: 'shutdown' must be ");
  CHECK(msg.ends_with("got a float"));
}

TEST_CASE("an empty data_dir is invalid_value") {
  auto msg = load_error("[node]\ndata_dir = \"\"\n", config_errc::invalid_value);
  CHECK(msg == "t.toml:2:12: 'data_dir' must not be empty");
}

TEST_CASE("a TOML syntax error is syntax_error at toml++'s position") {
  auto msg = load_error("[node]\nname = \n", config_errc::syntax_error);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:8: TOML syntax error: ");
  msg = load_error("[scheduler\nthreads = 1\n", config_errc::syntax_error);
  SMITH_CHECK_PREFIX(msg, "t.toml:1:11: TOML syntax error: ");
}

TEST_CASE("a key defined twice is a syntax error at the second definition") {
  auto msg = load_error("[node]\nname = \"a\"\nname = \"b\"\n", config_errc::syntax_error);
  SMITH_CHECK_PREFIX(msg, "t.toml:3:8: TOML syntax error: ");
}

TEST_CASE("the error reported is the first in the document, not in reading order") {
  // [scheduler] is read before the domains, but the domain error comes first in the file.
  auto msg = load_error("[[domain]]\n"
                        "name = \"a.b\"\n"
                        "  [[domain.pool]]\n"
                        "  agent = \"echo\"\n"
                        "[scheduler]\n"
                        "threads = 999\n",
                        config_errc::invalid_value);
  SMITH_CHECK_PREFIX(msg, "t.toml:2:8: domain name 'a.b'");
}
