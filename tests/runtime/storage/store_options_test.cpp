// Storage options from string settings.
#include <doctest/doctest.h>

#include "runtime/storage/storage_errc.hpp"
#include "runtime/storage/store_options.hpp"

using namespace smith;

TEST_CASE("options_from_settings reads the prefixed keys and ignores the others") {
  std::map<std::string, std::string> s{{"storage.sync", "true"},
                                       {"storage.write_buffer_bytes", "1048576"},
                                       {"storage.max_open_files", "100"},
                                       {"storage.compression", "zstd"},
                                       {"other", "x"}};
  auto o = storage::options_from_settings(s, "storage.", {"p", {}});
  REQUIRE(o);
  CHECK(o->path == "p");
  CHECK(o->sync);
  CHECK(o->write_buffer_bytes == 1048576);
  CHECK(o->max_open_files == 100);
  CHECK(o->compression == "zstd");
}

TEST_CASE("options_from_settings refuses bad values naming the key") {
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
         {"sync", "yes"}, {"write_buffer_bytes", "-1"}, {"write_buffer_bytes", "1k"},
         {"max_open_files", "-2"}, {"compression", "gzip"}}) {
    auto o = storage::options_from_settings({{"s." + k, v}}, "s.", {});
    REQUIRE(!o);
    CHECK(o.error() == storage::storage_errc::invalid_argument);
    CHECK(caf::to_string(o.error()).find("s." + k) != std::string::npos);
  }
}
