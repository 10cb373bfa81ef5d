// libsmith_domain_kv.so: the loader accepts it, and an agent spawned from the plugin's code
// serves store/retrieve until it stops and the plugin unloads.
#include <doctest/doctest.h>

#include <filesystem>

#include <caf/all.hpp>

#include "domains/kv/kv_domain.hpp"
#include "runtime/agent/agent_type.hpp"
#include "runtime/core/system_setup.hpp"
#include "runtime/domain/domain_catalog.hpp"
#include "runtime/plugin/plugin_host.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith;
using namespace std::chrono_literals;

TEST_CASE("the kv plugin loads, its agent serves requests, and it unloads after the agent stops") {
  auto dir = std::filesystem::canonical(std::filesystem::path{SMITH_TEST_BIN_DIR} / ".." / "lib");
  domain::domain_catalog catalog;
  plugin::plugin_host host{catalog, {dir.string()}};
  auto info = host.load("kv");
  REQUIRE_MESSAGE(info, caf::to_string(info.error()));
  CHECK(info->name == "kv");
  CHECK(info->version == kv::kv_version);
  auto* type = catalog.find_agent("kv", "kv");
  REQUIRE(type != nullptr);
  {
    caf::actor_system_config cfg;
    configure_actor_system(cfg);
    caf::actor_system sys{cfg};
    test::temp_dir data{"smith-kv-plugin"};
    agent::agent_config ac;
    auto id = agent::make_agent_id("kv", "kv-1", type->version);
    REQUIRE(id);
    ac.id = *id;
    ac.type = "kv";
    ac.settings = {{"data_dir", data.str()}};
    auto a = type->spawn(sys, ac);
    caf::scoped_actor self{sys};
    kv::v1::Store st;
    st.set_key("from");
    st.set_value("plugin");
    bool stored = false;
    self->request(a, 5s, kv::store_atom::value, st)
      .receive([&](const kv::v1::StoreReply& r) { stored = r.has_stored(); },
               [&](caf::error& err) { FAIL(sys.render(err)); });
    CHECK(stored);
    CHECK(std::filesystem::exists(data.path() / "kv" / "kv-1" / "CURRENT"));
    self->monitor(a);
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(10s) >> [] { FAIL("agent did not stop"); });
  }
  CHECK_FALSE(host.unload("kv", kv::kv_version));
  CHECK(catalog.find("kv") == nullptr);
}
