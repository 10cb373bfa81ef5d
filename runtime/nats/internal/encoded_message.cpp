// One-allocation outbound messages with a pre-encoded header block.
#include "runtime/nats/internal/encoded_message.hpp"

#include <climits>
#include <cstring>

#include "runtime/nats/internal/layout.hpp"

// nats.c 3.4's constructor of received messages (src/msg.c): exported, not in nats.h. `buf`
// holds the header block (hdrLen bytes) followed by the payload; the message is flagged so
// that publishing it sends the block as is.
extern "C" natsStatus natsMsg_create(natsMsg** newMsg, const char* subject, int subjLen,
                                     const char* reply, int replyLen, const char* buf,
                                     int bufLen, int hdrLen);

namespace smith::nats::internal {

namespace {

constexpr std::string_view encoded_status_line = "NATS/1.0\r\n";

void append_header_value(std::string& out, const char* value) {
  auto from = out.size();
  out.append(value);
  // Values rarely hold CR or LF: find the first with one library scan, then fix the rest.
  auto bad = std::strcspn(value, "\r\n");
  for (auto i = from + bad; i < out.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n')
      out[i] = ' ';
}

/// A header key must be a non-empty run of printable characters other than ':' (RFC 7230's
/// field-name is stricter; NATS servers accept this much).
bool valid_header_key(const char* key) {
  if (key == nullptr || *key == '\0')
    return false;
  for (auto* p = key; *p != '\0'; ++p)
    if (static_cast<unsigned char>(*p) <= 0x20 || *p == ':' || *p == 0x7F)
      return false;
  return true;
}

} // namespace

void append_header_block(std::string& out, const connection::header_field* fields,
                         size_t count) {
  out.append(encoded_status_line);
  for (size_t i = 0; i < count; ++i) {
    out.append(fields[i].key).append(": ");
    append_header_value(out, fields[i].value);
    out.append("\r\n");
  }
  out.append("\r\n");
}

natsStatus make_encoded_message(natsMsg** out, std::string_view subject, std::string_view reply,
                                const connection::header_field* fields, size_t count,
                                std::string_view data) {
  *out = nullptr;
  if (count == 0 || subject.empty() || !layout_known())
    return NATS_OK;
  for (size_t i = 0; i < count; ++i)
    if (!valid_header_key(fields[i].key) || fields[i].value == nullptr)
      return NATS_INVALID_ARG;
  // Reused per thread: a publish then allocates only the message itself.
  thread_local std::string buf;
  buf.clear();
  append_header_block(buf, fields, count);
  auto header_len = buf.size();
  buf.append(data);
  if (buf.size() > static_cast<size_t>(INT_MAX) || subject.size() > static_cast<size_t>(INT_MAX)
      || reply.size() > static_cast<size_t>(INT_MAX))
    return NATS_INVALID_ARG;
  return natsMsg_create(out, subject.data(), static_cast<int>(subject.size()),
                        reply.empty() ? nullptr : reply.data(), static_cast<int>(reply.size()),
                        buf.data(), static_cast<int>(buf.size()), static_cast<int>(header_len));
}

} // namespace smith::nats::internal
