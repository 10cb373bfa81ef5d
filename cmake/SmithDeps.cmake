# SmithDeps.cmake - every third-party dependency, found one way, in one place.
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(CAF 0.17 REQUIRED)
# cnats-config.cmake in Debian references a missing static archive: use pkg-config.
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
# cpp-httplib (Debian: a header plus libcpp-httplib.so, built with OpenSSL, zlib and brotli;
# the .pc file carries the matching -D flags, which the header's class layout depends on).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(Protobuf REQUIRED)            # module mode; 3.21 ships no CONFIG package
find_package(RocksDB CONFIG REQUIRED)      # link RocksDB::rocksdb-shared
find_package(spdlog CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(doctest CONFIG REQUIRED)
include(${doctest_DIR}/doctest.cmake)     # doctest_discover_tests is not loaded by default
