// The W3C trace context of the request the current thread works on, for logs and calls.
#pragma once

#include <string>
#include <string_view>

namespace smith::log {

/// The traceparent ("00-{trace id}-{span id}-{flags}") of the request this thread is
/// handling, or empty. Set by trace_scope; thread-local, so it follows a request only while
/// the code handling it runs on this thread (the bridge around a dispatch, an SDK agent
/// around its handler); work continued later (a response promise delivered from a callback)
/// must carry the traceparent itself.
std::string_view current_traceparent() noexcept;

/// The trace id (32 lower-case hex digits) of current_traceparent(), or empty if none is set
/// or it is not a well-formed traceparent. Log formatters print it (`trace=<id>`, JSON
/// field `trace_id`).
std::string_view current_trace_id() noexcept;

/// Makes `traceparent` the thread's current one for the scope's lifetime and restores the
/// previous one at its end (scopes nest). An empty `traceparent` clears it for the scope.
/// Not copyable or movable: it belongs to the stack frame that made it.
class trace_scope {
public:
  explicit trace_scope(std::string_view traceparent);
  ~trace_scope();
  trace_scope(const trace_scope&) = delete;
  trace_scope& operator=(const trace_scope&) = delete;

private:
  std::string previous_;
};

} // namespace smith::log
