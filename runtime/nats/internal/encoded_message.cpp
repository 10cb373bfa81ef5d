// One-allocation outbound messages with a pre-encoded header block.
#include "runtime/nats/internal/encoded_message.hpp"

#include <array>
#include <climits>
#include <cstring>
#include <vector>

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

/// Bytes a header key must not hold: space, control bytes, DEL and ':' (RFC 7230's
/// field-name is stricter; NATS servers accept this much).
constexpr std::array<bool, 256> header_key_reserved = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c <= 0x20; ++c)
    t[static_cast<size_t>(c)] = true;
  t[0x7F] = t[':'] = true;
  return t;
}();

bool valid_header_key(std::string_view key) {
  bool ok = !key.empty();
  for (auto c : key)
    ok &= !header_key_reserved[static_cast<unsigned char>(c)];
  return ok;
}

/// `field`'s key and value with their lengths, measured once.
struct measured_field {
  std::string_view key;
  std::string_view value;
};

/// Writes `key: value\r\n` at `out`; CR and LF in the value become spaces (nats.c's rule).
char* write_header_line(char* out, const measured_field& f) {
  std::memcpy(out, f.key.data(), f.key.size());
  out += f.key.size();
  *out++ = ':';
  *out++ = ' ';
  std::memcpy(out, f.value.data(), f.value.size());
  // Values rarely hold CR or LF: one library scan finds the first, then the rest are fixed.
  for (auto i = std::strcspn(f.value.data(), "\r\n"); i < f.value.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n')
      out[i] = ' ';
  out += f.value.size();
  *out++ = '\r';
  *out++ = '\n';
  return out;
}

/// Appends the block of `fs` (measured) to `out`.
void append_measured(std::string& out, const measured_field* fs, size_t count) {
  size_t size = encoded_status_line.size() + 2;
  for (size_t i = 0; i < count; ++i)
    size += fs[i].key.size() + fs[i].value.size() + 4;
  auto from = out.size();
  out.resize(from + size);
  char* p = out.data() + from;
  std::memcpy(p, encoded_status_line.data(), encoded_status_line.size());
  p += encoded_status_line.size();
  for (size_t i = 0; i < count; ++i)
    p = write_header_line(p, fs[i]);
  *p++ = '\r';
  *p = '\n';
}

} // namespace

void append_header_block(std::string& out, const connection::header_field* fields,
                         size_t count) {
  std::vector<measured_field> fs;
  fs.reserve(count);
  for (size_t i = 0; i < count; ++i)
    fs.push_back({fields[i].key, fields[i].value});
  append_measured(out, fs.data(), count);
}

natsStatus make_encoded_message(natsMsg** out, std::string_view subject, std::string_view reply,
                                const connection::header_field* fields, size_t count,
                                std::string_view data) {
  *out = nullptr;
  if (count == 0 || subject.empty() || !layout_known())
    return NATS_OK;
  thread_local std::vector<measured_field> fs; // reused: no allocation per publish
  fs.clear();
  for (size_t i = 0; i < count; ++i) {
    if (fields[i].key == nullptr || fields[i].value == nullptr)
      return NATS_INVALID_ARG;
    fs.push_back({fields[i].key, fields[i].value});
    if (!valid_header_key(fs.back().key))
      return NATS_INVALID_ARG;
  }
  // Reused per thread: a publish then allocates only the message itself.
  thread_local std::string buf;
  buf.clear();
  append_measured(buf, fs.data(), count);
  auto header_len = buf.size();
  buf.append(data);
  if (buf.size() > static_cast<size_t>(INT_MAX) || subject.size() > static_cast<size_t>(INT_MAX)
      || reply.size() > static_cast<size_t>(INT_MAX))
    return NATS_INVALID_ARG;
  return natsMsg_create(out, subject.data(), static_cast<int>(subject.size()),
                        reply.empty() ? nullptr : reply.data(), static_cast<int>(reply.size()),
                        buf.data(), static_cast<int>(buf.size()), static_cast<int>(header_len));
}

natsStatus build_message(natsMsg** out, std::string_view subject, std::string_view reply,
                         const connection::header_field* fields, size_t count,
                         std::string_view data) {
  auto s = make_encoded_message(out, subject, reply, fields, count, data);
  if (s != NATS_OK || *out != nullptr)
    return s;
  // Reused per thread: nats.c's public API wants NUL-terminated subjects, callers pass views.
  thread_local std::string subj, rep;
  subj.assign(subject);
  rep.assign(reply);
  s = natsMsg_Create(out, subj.c_str(), rep.empty() ? nullptr : rep.c_str(), data.data(),
                     static_cast<int>(data.size()));
  for (size_t i = 0; s == NATS_OK && i < count; ++i)
    s = natsMsgHeader_Add(*out, fields[i].key, fields[i].value);
  if (s != NATS_OK) {
    natsMsg_Destroy(*out); // accepts null
    *out = nullptr;
  }
  return s;
}

} // namespace smith::nats::internal
