// Borrowed views of received messages: the header block parsed in place.
#include "runtime/nats/internal/message_view.hpp"

#include <cstdlib>
#include <cstring>
#include <optional>

#include "runtime/nats/internal/layout.hpp"
#include "runtime/nats/internal/message_copy.hpp"

namespace smith::nats::internal {

namespace {

constexpr std::string_view view_status_line = "NATS/1.0\r\n";
/// Larger header blocks are left to nats.c (a sanity bound on the in-place read).
constexpr size_t view_max_block = size_t{1} << 20;

bool view_is_space(char c) {
  return c == ' ' || c == '\t';
}

/// One `Key: Value` line starting at `p` (before `end`, a block without NUL bytes) into
/// `hs`; `p` moves past its CRLF. memchr does the scanning: this runs for every message of
/// the bridge's subscriptions.
bool view_parse_line(const char*& p, const char* end, header_refs& hs) {
  auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  if (lf == nullptr || lf == p || lf[-1] != '\r')
    return false;
  const char* line_end = lf - 1; // the CR
  auto len = static_cast<size_t>(line_end - p);
  if (len == 0 || view_is_space(*p) || std::memchr(p, '\r', len) != nullptr)
    return false;
  auto* colon = static_cast<const char*>(std::memchr(p, ':', len));
  if (colon == nullptr || colon == p)
    return false;
  const char* value = colon + 1;
  while (value != line_end && view_is_space(*value))
    ++value;
  const char* value_end = line_end;
  while (value_end != value && view_is_space(value_end[-1]))
    --value_end;
  if (value_end == value)
    return false;
  hs.emplace_back(std::string_view{p, static_cast<size_t>(colon - p)},
                  std::string_view{value, static_cast<size_t>(value_end - value)});
  p = lf + 1;
  return true;
}

/// Through nats.c's header API: the strings stay valid until `msg` is destroyed.
void view_lifted_headers(natsMsg* msg, header_refs& hs) {
  for_each_header(msg, [&](const char* key, const char* value) { hs.emplace_back(key, value); });
}

} // namespace

bool parse_plain_headers(std::string_view block, header_refs& hs) {
  if (block.substr(0, view_status_line.size()) != view_status_line)
    return false;
  if (std::memchr(block.data(), '\0', block.size()) != nullptr)
    return false;
  const char* p = block.data() + view_status_line.size();
  const char* end = block.data() + block.size();
  for (;;) {
    if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') // the empty line ends the block
      return p + 2 == end;
    if (!view_parse_line(p, end, hs))
      return false;
  }
}

std::optional<std::string_view> raw_header_block(natsMsg* msg, std::string_view subject,
                                                 std::string_view reply, std::string_view data) {
  if (!layout_known() || msg == nullptr || data.data() == nullptr)
    return std::nullopt;
  // subject NUL [reply NUL] [header block NUL] payload NUL
  const char* after = reply.empty() ? subject.data() + subject.size() + 1
                                    : reply.data() + reply.size() + 1;
  if (data.data() < after || static_cast<size_t>(data.data() - after) > view_max_block)
    return std::nullopt;
  auto n = static_cast<size_t>(data.data() - after);
  if (n == 0)
    return std::string_view{};
  if (data.data()[-1] != '\0')
    return std::nullopt;
  std::string_view block{after, n - 1};
  if (block.substr(0, 5) != "NATS/" || std::memchr(block.data(), '\0', block.size()) != nullptr)
    return std::nullopt;
  return block;
}

bool view_message(natsMsg* msg, header_refs& hs, inbound_view& out) {
  hs.clear();
  const char* subject = natsMsg_GetSubject(msg);
  const char* reply = natsMsg_GetReply(msg);
  const char* data = natsMsg_GetData(msg);
  out.subject = subject != nullptr ? std::string_view{subject} : std::string_view{};
  out.reply = reply != nullptr ? std::string_view{reply} : std::string_view{};
  auto len = static_cast<size_t>(natsMsg_GetDataLength(msg));
  out.data = data != nullptr ? std::string_view{data, len} : std::string_view{};
  out.headers = &hs;
  out.no_responders = false;
  if (subject != nullptr && data != nullptr)
    if (auto block = raw_header_block(msg, out.subject, out.reply, out.data)) {
      if (block->empty() || parse_plain_headers(*block, hs))
        return true;
      hs.clear();
    }
  out.no_responders = natsMsg_IsNoResponders(msg);
  view_lifted_headers(msg, hs);
  return false;
}

} // namespace smith::nats::internal
