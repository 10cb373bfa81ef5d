// The thread's current trace context.
#include "runtime/log/trace_context.hpp"

namespace smith::log {

namespace {

std::string& trace_context_slot() {
  // initial-exec: read for every message an agent admits (see agent_core::current).
  thread_local std::string current __attribute__((tls_model("initial-exec")));
  return current;
}

} // namespace

std::string_view current_traceparent() noexcept {
  return trace_context_slot();
}

std::string_view current_trace_id() noexcept {
  std::string_view tp = trace_context_slot();
  // "00-" + 32 hex + "-" + 16 hex + "-" + 2 hex. Checked here too: log lines (JSON) print
  // the id unescaped.
  if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-')
    return {};
  auto id = tp.substr(3, 32);
  for (auto c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return {};
  return id;
}

// The slot keeps its capacity (assigned, never swapped away): a scope then allocates only
// when it nests inside another trace, to save the outer one.
trace_scope::trace_scope(std::string_view traceparent) {
  auto& slot = trace_context_slot();
  if (!slot.empty())
    previous_.assign(slot);
  slot.assign(traceparent);
}

trace_scope::~trace_scope() {
  trace_context_slot().assign(previous_);
}

} // namespace smith::log
