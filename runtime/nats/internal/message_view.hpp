// Borrowed views of received natsMsg (internal to runtime/nats).
#pragma once

#include <optional>
#include <string_view>

#include <nats/nats.h>

#include "runtime/nats/inbound_view.hpp"

namespace smith::nats::internal {

/// Parses a plain NATS header block, `NATS/1.0\r\n` then `Key: Value\r\n` lines and an empty
/// line, appending views into `block` to `hs`. False (hs then holds a prefix) for anything
/// else: a status on the first line, a folded line, a line without ':' or value, a NUL byte.
/// Those are left to nats.c's own parser.
bool parse_plain_headers(std::string_view block, header_refs& hs);

/// The raw header block of a message nats.c received (empty when it has none), read in
/// place: nats.c 3.4 stores subject, reply, header block, NUL and payload in one allocation.
/// nullopt when this libnats is not a 3.4 release or the bytes before the payload are not a
/// header block (e.g. nats.c already parsed it in place, which writes NULs into it).
std::optional<std::string_view> raw_header_block(natsMsg* msg, std::string_view subject,
                                                 std::string_view reply, std::string_view data);

/// Fills `out` with views of `msg`, its headers into `hs` (cleared first): parsed in place
/// when the block is plain (no allocation), else through nats.c's header API. Valid until
/// `msg` is destroyed. Returns whether the in-place parse was used.
bool view_message(natsMsg* msg, header_refs& hs, inbound_view& out);

} // namespace smith::nats::internal
