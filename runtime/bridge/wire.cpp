// Header encoding of deadlines, trace context, message ids and error replies.
#include "runtime/bridge/wire.hpp"

#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <random>

#include "smith/bridge/v1/bridge.pb.h"

namespace smith::bridge {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::mt19937_64& rng() {
  // One generator per thread: the bridge encodes on actor and NATS callback threads.
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  return gen;
}

/// Lowercase hex digits: a table, because every inbound message's traceparent is checked.
constexpr std::array<bool, 256> lower_hex_digits = [] {
  std::array<bool, 256> t{};
  for (char c : std::string_view{"0123456789abcdef"})
    t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool lower_hex(const char* p, size_t n) {
  bool ok = true;
  for (size_t i = 0; i < n; ++i) // no early exit: the valid common case runs straight through
    ok &= lower_hex_digits[static_cast<unsigned char>(p[i])];
  return ok;
}

bool all_zero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

/// Writes `n` random lowercase hex digits to `out`, not all zero.
void fill_hex(char* out, size_t n) {
  static constexpr const char* hex = "0123456789abcdef";
  size_t i = 0;
  while (i < n) {
    auto v = rng()();
    for (int k = 0; k < 16 && i < n; ++k, v >>= 4)
      out[i++] = hex[v & 0xF];
  }
  if (all_zero(std::string_view{out, n}))
    out[n - 1] = '1';
}

std::string header_safe(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      c = ' ';
  return out;
}

} // namespace

char* write_deadline(wall_time t, char* out) {
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  return std::to_chars(out, out + deadline_max_size, ms < 0 ? 0 : ms).ptr;
}

std::string encode_deadline(wall_time t) {
  char buf[deadline_max_size];
  return std::string(buf, write_deadline(t, buf));
}

std::optional<wall_time> decode_deadline(std::string_view text) {
  if (text.empty() || text.size() > 15)
    return std::nullopt;
  uint64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  // system_clock counts nanoseconds in 64 bits: later than ~2262 does not fit.
  auto max_ms = duration_cast<milliseconds>(wall_time::duration::max()).count();
  if (ms > static_cast<uint64_t>(max_ms))
    return std::nullopt;
  return wall_time{duration_cast<wall_time::duration>(milliseconds{ms})};
}

void write_msg_id(char* out) {
  static constexpr const char* digits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // 22 base62 digits carry 130 bits; two 64-bit draws fill 128 of them.
  for (int half = 0; half < 2; ++half) {
    auto v = rng()();
    for (int i = 0; i < 11; ++i, v /= 62)
      *out++ = digits[v % 62];
  }
}

std::string new_msg_id() {
  std::string out(msg_id_size, '0');
  write_msg_id(out.data());
  return out;
}

bool valid_msg_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (auto c : id)
    if (c <= 0x20 || c >= 0x7F)
      return false;
  return true;
}

std::string new_traceparent() {
  std::string out(traceparent_size, '0');
  write_traceparent({}, out.data());
  return out;
}

bool valid_traceparent(std::string_view tp) {
  if (tp.size() < traceparent_size || tp[2] != '-' || tp[35] != '-' || tp[52] != '-')
    return false;
  const char* p = tp.data();
  if (!lower_hex(p, 2) || !lower_hex(p + 3, 32) || !lower_hex(p + 36, 16)
      || !lower_hex(p + 53, 2) || all_zero({p + 3, 32}) || all_zero({p + 36, 16}))
    return false;
  auto version = tp.substr(0, 2);
  if (version == "ff")
    return false;
  if (version == "00")
    return tp.size() == traceparent_size;
  return tp.size() == traceparent_size || tp[traceparent_size] == '-';
}

std::string child_traceparent(std::string_view parent) {
  std::string out(traceparent_size, '0');
  write_traceparent(parent, out.data());
  return out;
}

void write_traceparent(std::string_view parent, char* out) {
  static constexpr std::string_view root = "00-00000000000000000000000000000000-0000000000000000-01";
  std::memcpy(out, root.data(), traceparent_size);
  if (parent.empty() || !valid_traceparent(parent)) {
    fill_hex(out + 3, 32);
  } else {
    std::memcpy(out + 3, parent.data() + 3, 32);
    std::memcpy(out + 53, parent.data() + 53, 2);
  }
  fill_hex(out + 36, 16);
}

std::string quote(std::string_view text) {
  static constexpr size_t max_len = 64;
  static constexpr const char* hex = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < max_len; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F || c == '\\') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += text.size() > max_len ? "'..." : "'";
  return out;
}

nats::header_list request_headers(std::string_view type, std::optional<wall_time> deadline,
                                  std::string_view msg_id, std::string_view sender,
                                  std::string_view traceparent) {
  nats::header_list hs;
  hs.emplace_back(header::type, type);
  if (deadline)
    hs.emplace_back(header::deadline, encode_deadline(*deadline));
  if (!msg_id.empty())
    hs.emplace_back(header::msg_id, msg_id);
  if (!sender.empty())
    hs.emplace_back(header::sender, sender);
  if (!traceparent.empty())
    hs.emplace_back(header::traceparent, traceparent);
  return hs;
}

nats::header_list reply_headers(std::string_view type, std::string_view msg_id,
                                std::string_view traceparent) {
  return request_headers(type, std::nullopt, msg_id, {}, traceparent);
}

wire_message encode_error(wire_code code, std::string_view text, std::string_view msg_id) {
  if (code == wire_code::none)
    code = wire_code::internal;
  auto status = status_of(code);
  wire_message out;
  out.headers.emplace_back(header::service_error, header_safe(text));
  out.headers.emplace_back(header::service_error_code, std::to_string(status));
  out.headers.emplace_back(header::type, error_reply_type);
  if (!msg_id.empty())
    out.headers.emplace_back(header::msg_id, msg_id);
  v1::ErrorReply reply;
  reply.set_code(static_cast<v1::ErrorCode>(status));
  reply.set_message(std::string{text});
  reply.set_msg_id(std::string{msg_id});
  reply.SerializeToString(&out.body);
  return out;
}

namespace {

caf::error from_status(uint32_t status, std::string text) {
  if (auto code = wire_code_from_status(status))
    return caf::make_error(*code, std::move(text));
  return caf::make_error(wire_code::internal,
                         "error code " + std::to_string(status) + ": " + text);
}

} // namespace

std::optional<caf::error> decode_error_refs(const nats::header_refs& headers,
                                            std::string_view body) {
  auto* code_hdr = nats::find_header(headers, header::service_error_code);
  auto* type_hdr = nats::find_header(headers, header::type);
  bool typed = type_hdr != nullptr && *type_hdr == error_reply_type;
  if (code_hdr == nullptr && !typed)
    return std::nullopt;
  v1::ErrorReply reply;
  if (typed && body.size() <= static_cast<size_t>(INT_MAX)
      && reply.ParseFromArray(body.data(), static_cast<int>(body.size()))
      && reply.code() != v1::ERROR_CODE_UNSPECIFIED)
    return from_status(static_cast<uint32_t>(reply.code()), reply.message());
  auto* text_hdr = nats::find_header(headers, header::service_error);
  std::string text = text_hdr != nullptr ? std::string{*text_hdr} : std::string{};
  uint32_t status = 0;
  if (code_hdr != nullptr) {
    auto [end, ec] = std::from_chars(code_hdr->data(), code_hdr->data() + code_hdr->size(),
                                     status);
    if (ec != std::errc{} || end != code_hdr->data() + code_hdr->size())
      return caf::make_error(wire_code::internal,
                             "unreadable Nats-Service-Error-Code " + quote(*code_hdr) + ": " + text);
  }
  if (status == 0)
    return caf::make_error(wire_code::internal, "error reply without a code: " + text);
  return from_status(status, std::move(text));
}

std::optional<caf::error> decode_error(const nats::header_list& headers, std::string_view body) {
  nats::header_refs refs;
  refs.reserve(headers.size());
  for (auto& [k, v] : headers)
    refs.emplace_back(k, v);
  return decode_error_refs(refs, body);
}

} // namespace smith::bridge
