// systemd's readiness protocol (sd_notify) without libsystemd: a datagram to $NOTIFY_SOCKET.
#pragma once

#include <string>

namespace smith::tools {

/// Sends `state` ("READY=1", "STOPPING=1", "STATUS=...") to the socket named by
/// $NOTIFY_SOCKET (a path, or an abstract socket when it starts with '@'). Returns false when
/// the variable is unset (not started by systemd with Type=notify) or the send failed; never
/// throws. Thread-safe.
bool notify_service_manager(const std::string& state);

} // namespace smith::tools
