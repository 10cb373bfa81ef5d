// smithctl's pure helpers: durations, tables, names.
#include <doctest/doctest.h>

#include <sstream>

#include "tools/smithctl/ctl_output.hpp"

using namespace smith::ctl;
using namespace std::chrono_literals;

TEST_CASE("parse_duration takes ms, s, m and bare seconds and refuses anything else") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2s") == 2000ms);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("2") == 2000ms);
  CHECK(parse_duration("1m") == 60000ms);
  CHECK(parse_duration("0") == 0ms);
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("5h"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("2 s"));
}

TEST_CASE("a table aligns every column to its widest cell and trims the last") {
  table t{{"NAME", "STATE", "X"}};
  t.add({"counter-n1-1", "active", "1"});
  t.add({"e", "suspended"});
  std::ostringstream os;
  t.print(os);
  CHECK(os.str()
        == "NAME          STATE      X\n"
           "counter-n1-1  active     1\n"
           "e             suspended\n");
  CHECK(t.rows() == 2);
}

TEST_CASE("names and durations for humans") {
  CHECK(short_name("CONTROL_OP_STOP", "CONTROL_OP_") == "stop");
  CHECK(state_name(4) == "active");
  CHECK(human_duration(3, 250000000) == "3.2s");
  CHECK(human_duration(125, 0) == "2m 5s");
  CHECK(human_duration(7322, 0) == "2h 2m");
  CHECK(human_duration(90000, 0) == "1d 1h");
  CHECK(clock_time(0, 5000000) == "1970-01-01 00:00:00.005Z");
}
