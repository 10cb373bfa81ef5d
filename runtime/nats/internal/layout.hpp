// Whether this process runs against the nats.c release whose internals runtime/nats reads.
#pragma once

#include <nats/nats.h>

namespace smith::nats::internal {

/// True when libnats is a 3.4 release: the one whose message layout (subject, reply, header
/// block, NUL, payload in one allocation) and exported natsMsg_create(...) signature were
/// read from its source. The in-place paths (message_view, encoded_message) check it and fall
/// back to nats.c's public header API otherwise.
inline bool layout_known() {
  static const bool known = (nats_GetVersionNumber() >> 8) == 0x0304;
  return known;
}

} // namespace smith::nats::internal
