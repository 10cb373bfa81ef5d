// Small helpers of the node configuration structs.
#include "runtime/config/node_config.hpp"

#include <thread>

namespace smith::config {

uint32_t scheduler_config::effective_threads() const noexcept {
  if (threads > 0)
    return threads;
  auto hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

const char* to_string(scheduler_policy x) {
  switch (x) {
    case scheduler_policy::sharing: return "sharing";
    case scheduler_policy::stealing: return "stealing";
  }
  return "unknown";
}

const char* to_string(log_format x) {
  switch (x) {
    case log_format::text: return "text";
    case log_format::json: return "json";
  }
  return "unknown";
}

} // namespace smith::config
