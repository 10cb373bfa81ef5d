// The hello domain's plugin entry point (libsmith_domain_hello.so).
#include "domains/template/hello_domain.hpp"
#include "runtime/plugin/plugin_entry.hpp"

SMITH_DOMAIN_PLUGIN("hello", smith::hello::hello_version, smith::hello::hello_domain)
