// The embedded default configuration of smithd (used when no --config file is given).
#include "runtime/config/config_loader.hpp"

namespace smith::config {

namespace {

// Loaded by the test suite, so a typo here fails a test, not smithd at start-up.
constexpr std::string_view default_text = R"toml(# smithd embedded default: one node, the examples domain, no NATS.
[node]
name = "node-1"
data_dir = "./data"

[scheduler]
threads = 0          # one worker per hardware thread
policy = "affinity"

[log]
level = "info"
format = "text"

[root]
strategy = "one_for_all"
intensity = 3
period_ms = 5000

[[domain]]
name = "examples"
plugin = "examples"  # libsmith_domain_examples.so, in the lib/ next to smithd's bin/
strategy = "rest_for_one"

  [[domain.pool]]
  name = "echo"
  agent = "echo"
  instances = 2

  [[domain.pool]]
  name = "counter"
  agent = "counter"
  instances = 1
)toml";

} // namespace

std::string_view default_config_text() {
  return default_text;
}

} // namespace smith::config
