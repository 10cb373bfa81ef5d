// The examples domain's plugin entry point (libsmith_domain_examples.so).
#include "domains/examples/examples_domain.hpp"
#include "runtime/plugin/plugin_entry.hpp"

SMITH_DOMAIN_PLUGIN("examples", smith::examples::examples_version, smith::examples::examples_domain)
