// Outbound messages whose header block is encoded here (internal to runtime/nats).
#pragma once

#include <string>
#include <string_view>

#include <nats/nats.h>

#include "runtime/nats/connection.hpp"

namespace smith::nats::internal {

/// Appends the NATS header block of `fields` to `out`: `NATS/1.0\r\n`, one `Key: Value\r\n`
/// line per field in order, and an empty line. CR and LF inside a value become spaces, as
/// nats.c's own encoder does, so a value cannot break the block.
void append_header_block(std::string& out, const connection::header_field* fields,
                         size_t count);

/// A new natsMsg carrying `subject`, `reply` (empty: none), the header block of `fields` and
/// `data`, built with one allocation: the block is handed to nats.c already encoded, as a
/// received message is when it is published again, instead of going through nats.c's header
/// map (one allocation per header on every publish, a second encoding pass, a free per
/// header). The caller destroys it with natsMsg_Destroy. Null when this libnats is not the
/// release whose internal constructor was read (layout_known()), `count` is 0 or `subject`
/// is empty (nats.c's own checks then answer); the caller
/// then builds the message through the public API. Errors: NATS_INVALID_ARG for an empty key,
/// a key with a space, control byte or ':', or a null value; nats.c's allocation status.
natsStatus make_encoded_message(natsMsg** out, std::string_view subject, std::string_view reply,
                                const connection::header_field* fields, size_t count,
                                std::string_view data);

/// The message make_encoded_message builds, or, where it builds none (another libnats
/// release, no headers, an empty subject), the same message through nats.c's public API
/// (natsMsg_Create, natsMsgHeader_Add). On success the caller destroys `*out`; on an error
/// `*out` is null. Errors: make_encoded_message's, nats.c's (NATS_INVALID_ARG for an empty
/// subject).
natsStatus build_message(natsMsg** out, std::string_view subject, std::string_view reply,
                         const connection::header_field* fields, size_t count,
                         std::string_view data);

} // namespace smith::nats::internal
