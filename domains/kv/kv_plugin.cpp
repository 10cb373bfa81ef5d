// The kv domain's plugin entry point (libsmith_domain_kv.so).
#include "domains/kv/kv_domain.hpp"
#include "runtime/plugin/plugin_entry.hpp"

namespace {

smith::domain::domain_descriptor make_kv_domain() {
  return smith::kv::kv_domain();
}

} // namespace

SMITH_DOMAIN_PLUGIN("kv", smith::kv::kv_version, make_kv_domain)
