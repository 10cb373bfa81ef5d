// Conversions between natsMsg and plain values.
#include "runtime/nats/internal/message_copy.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/nats/internal/encoded_message.hpp"
#include "runtime/nats/nats_errc.hpp"

namespace smith::nats::internal {

namespace {

void copy_headers(natsMsg* msg, header_list& out) {
  for_each_header(msg, [&](const char* key, const char* value) { out.emplace_back(key, value); });
}

} // namespace

inbound_msg copy_message(natsMsg* msg) {
  inbound_msg result;
  if (auto* subject = natsMsg_GetSubject(msg))
    result.subject = subject;
  if (auto* reply = natsMsg_GetReply(msg))
    result.reply = reply;
  if (auto* data = natsMsg_GetData(msg))
    result.data.assign(data, static_cast<size_t>(natsMsg_GetDataLength(msg)));
  result.no_responders = natsMsg_IsNoResponders(msg);
  copy_headers(msg, result.headers);
  return result;
}

caf::expected<natsMsg*> make_message(std::string_view subject, std::string_view reply,
                                     const header_list& headers, std::string_view data) {
  std::vector<connection::header_field> fields;
  fields.reserve(headers.size());
  for (auto& [key, value] : headers)
    fields.push_back({key.c_str(), value.c_str()});
  natsMsg* msg = nullptr;
  auto s = build_message(&msg, subject, reply, fields.data(), fields.size(), data);
  if (s != NATS_OK)
    return make_nats_error(s, "cannot build a message for subject '" + std::string{subject}
                                + "' with " + std::to_string(headers.size()) + " headers");
  return msg;
}

} // namespace smith::nats::internal
