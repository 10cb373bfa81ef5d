// The plugin loader against the real in-tree plugins (libsmith_domain_examples.so and the
// template's libsmith_domain_hello.so) built next to the test binaries.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "domains/template/hello_domain.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "runtime/plugin/sdk_layout.hpp"
#include "tests/support/test_system.hpp"

using namespace smith;

namespace {

/// build/lib, where smith_add_domain_plugin() puts every plugin.
std::string plugin_dir() {
  return std::filesystem::canonical(std::filesystem::path{SMITH_TEST_BIN_DIR} / ".." / "lib");
}

bool has_code(const caf::error& err, plugin::plugin_errc code) {
  return err.category() == caf::atom("smith_plg") && err.code() == static_cast<uint8_t>(code);
}

} // namespace

TEST_CASE("a plugin named by its domain loads into the catalog and unloads again") {
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {plugin_dir()}};
  auto info = host.load("examples");
  REQUIRE_MESSAGE(info, caf::to_string(info.error()));
  CHECK(info->name == "examples");
  CHECK(info->abi_major == SMITH_PLUGIN_ABI_MAJOR);
  REQUIRE(catalog.find("examples") != nullptr);
  CHECK(catalog.find_agent("examples", "counter") != nullptr);
  CHECK(host.loaded().size() == 1);
  REQUIRE_FALSE(host.unload("examples", info->version));
  CHECK(catalog.find("examples") == nullptr);
  CHECK(host.loaded().empty());
  // dlclose'd and opened again: the contracts live in libsmith_contracts, so nothing is
  // registered twice with protobuf.
  auto again = host.load("examples");
  REQUIRE_MESSAGE(again, caf::to_string(again.error()));
}

TEST_CASE("loading the same domain and major twice is refused naming both") {
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {plugin_dir()}};
  REQUIRE(host.load("examples"));
  auto dup = host.load("examples");
  REQUIRE_FALSE(dup);
  CHECK(has_code(dup.error(), plugin::plugin_errc::duplicate));
  CHECK(host.loaded().size() == 1);
}

TEST_CASE("a plugin outside the plugin directories or missing is refused, nothing loads") {
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {plugin_dir()}};
  auto outside = host.load("/usr/lib/x86_64-linux-gnu/libcaf_core.so");
  REQUIRE_FALSE(outside);
  CHECK(has_code(outside.error(), plugin::plugin_errc::outside_plugin_dirs));
  CHECK(caf::to_string(outside.error()).find(plugin_dir()) != std::string::npos);
  auto missing = host.load("no_such_domain");
  REQUIRE_FALSE(missing);
  CHECK(has_code(missing.error(), plugin::plugin_errc::load_failed));
  CHECK_FALSE(host.unload("no_such_domain", "1.0.0") == caf::none);
  CHECK(host.loaded().empty());
  CHECK(catalog.names().empty());
}

TEST_CASE("descriptors of another ABI major or struct size are refused naming both sides") {
  smith_plugin_descriptor d{};
  d.abi_major = SMITH_PLUGIN_ABI_MAJOR + 1;
  d.abi_minor = 0;
  d.struct_size = sizeof(smith_plugin_descriptor);
  d.name = "x";
  d.version = "1.0.0";
  auto host_side = plugin::host_info();
  d.caf_version = host_side.caf_version.c_str();
  d.compiler_id = host_side.compiler_id.c_str();
  d.build_info = "";
  d.register_domain = [](void*, char*, size_t) { return 0; };
  d.sdk_layout = host_side.sdk_layout;
  auto err = plugin::check_descriptor(&d, "/p/libx.so");
  CHECK(has_code(err, plugin::plugin_errc::abi_mismatch));
  auto text = caf::to_string(err);
  CHECK(text.find(std::to_string(SMITH_PLUGIN_ABI_MAJOR + 1)) != std::string::npos);
  CHECK(text.find(std::to_string(SMITH_PLUGIN_ABI_MAJOR)) != std::string::npos);
  d.abi_major = SMITH_PLUGIN_ABI_MAJOR;
  d.struct_size = sizeof(smith_plugin_descriptor) - 8;
  CHECK(has_code(plugin::check_descriptor(&d, "/p/libx.so"),
                 plugin::plugin_errc::struct_size_mismatch));
  d.struct_size = sizeof(smith_plugin_descriptor);
  d.compiler_id = "clang-99";
  CHECK(has_code(plugin::check_descriptor(&d, "/p/libx.so"), plugin::plugin_errc::build_mismatch));
  d.compiler_id = host_side.compiler_id.c_str();
  CHECK(plugin::check_descriptor(&d, "/p/libx.so") == caf::none);
}

TEST_CASE("the template domain loads as a plugin and its agent answers") {
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {plugin_dir()}};
  REQUIRE(host.load("hello"));
  {
    test::test_system ts; // destroyed (with the agent) before the host closes the library
    auto* type = catalog.find_agent("hello", "greeter");
    REQUIRE(type != nullptr);
    agent::agent_config cfg;
    cfg.id = *agent::make_agent_id("hello", "greeter-1", type->version);
    cfg.settings["greeting"] = "Hi";
    auto greeter = caf::actor_cast<hello::greeter_iface>(type->spawn(ts.sys(), cfg));
    ts.run();
    auto reply = ts.ask<std::string>(greeter, hello::greet_atom::value, std::string{"Ada"});
    CHECK(reply == "Hi, Ada!");
    caf::anon_send_exit(greeter, caf::exit_reason::kill);
    ts.run();
  }
}

TEST_CASE("a plugin built against another SDK layout is refused naming both stamps") {
  auto here = plugin::host_info().sdk_layout;
  CHECK(here == plugin::sdk_layout_stamp());
  CHECK(here != 0);
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {plugin_dir()}};
  auto stale = host.load("stale_sdk");
  REQUIRE_FALSE(stale);
  CHECK(has_code(stale.error(), plugin::plugin_errc::sdk_layout_mismatch));
  auto text = plugin::message_of(stale.error());
  char mine[19];
  std::snprintf(mine, sizeof(mine), "0x%016llx", static_cast<unsigned long long>(here));
  auto theirs = plugin::detail::sdk_layout_mix(here, 8);
  char other[19];
  std::snprintf(other, sizeof(other), "0x%016llx", static_cast<unsigned long long>(theirs));
  CHECK_MESSAGE(text.find(mine) != std::string::npos, text);
  CHECK_MESSAGE(text.find(other) != std::string::npos, text);
  CHECK(text.find("libsmith_domain_stale_sdk.so") != std::string::npos);
  CHECK(host.loaded().empty());
  CHECK(catalog.names().empty());
  // The in-tree plugins carry this tree's stamp.
  auto ok = host.load("examples");
  REQUIRE_MESSAGE(ok, caf::to_string(ok.error()));
  CHECK(ok->sdk_layout == here);
}
