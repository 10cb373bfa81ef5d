// smithctl's NATS client: discovery by gathering smith.admin.ping replies, and requests.
#include "tools/smithctl/ctl_client.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>

#include "runtime/bridge/wire.hpp"

namespace smith::ctl {

namespace {

namespace v1 = admin::v1;
using clock = std::chrono::steady_clock;

/// Replies collected from the delivery thread.
struct inbox {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<v1::InfoReply> replies;
};

bool complete(const std::vector<v1::InfoReply>& rs) {
  std::set<std::string> seen, known;
  for (auto& r : rs) {
    seen.insert(r.info().node());
    for (auto& m : r.info().members())
      if (m.up())
        known.insert(m.node());
  }
  return std::includes(seen.begin(), seen.end(), known.begin(), known.end());
}

std::string error_code_name(v1::AdminErrorCode code) {
  auto name = v1::AdminErrorCode_Name(code);
  constexpr std::string_view prefix = "ADMIN_ERROR_CODE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

} // namespace

failure failure_of(const v1::Error& err) {
  return {exit_failed, error_code_name(err.code()), err.message()};
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (...) {
    return std::nullopt;
  }
  auto unit = text.substr(pos);
  double ms = 0;
  if (unit.empty() || unit == "s")
    ms = value * 1000;
  else if (unit == "ms")
    ms = value;
  else if (unit == "m")
    ms = value * 60000;
  else
    return std::nullopt;
  if (!(ms >= 0) || ms > 86400000.0)
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<int64_t>(ms)};
}

std::variant<std::unique_ptr<client>, failure> client::connect(const client_options& opts) {
  nats::nats_options no;
  no.urls = {opts.server};
  no.name = "smithctl";
  no.credentials_file = opts.creds;
  no.connect_timeout = std::max(std::chrono::milliseconds{1}, opts.timeout);
  no.max_reconnect = 0;
  no.send_asap = true;
  auto conn = nats::connection::connect(no);
  if (!conn) {
    auto text = "cannot reach NATS at " + opts.server;
    if (auto& ctx = conn.error().context(); ctx.match_elements<std::string>())
      text += ": " + ctx.get_as<std::string>(0);
    return failure{exit_unreachable, "UNREACHABLE", text};
  }
  return std::unique_ptr<client>{new client(opts, std::move(*conn))};
}

std::unique_ptr<client> client::attach(client_options opts,
                                       std::shared_ptr<nats::connection> conn) {
  return std::unique_ptr<client>{new client(std::move(opts), std::move(conn))};
}

std::variant<cluster_view, failure> client::discover() {
  auto box = std::make_shared<inbox>();
  auto reply = conn_->new_inbox_prefix();
  auto sub = conn_->subscribe(reply, "", [box](nats::inbound_msg&& m) {
    v1::InfoReply r;
    if (m.no_responders || !r.ParseFromString(m.data) || !r.has_info())
      return;
    std::lock_guard<std::mutex> guard{box->mtx};
    box->replies.push_back(std::move(r));
    box->cv.notify_all();
  });
  if (!sub)
    return failure{exit_unreachable, "UNREACHABLE", "cannot subscribe to " + reply};
  v1::InfoRequest req;
  auto hs = bridge::request_headers(req.GetDescriptor()->full_name(),
                                    std::chrono::system_clock::now() + opts_.timeout, "",
                                    "smithctl", "");
  if (auto err = conn_->publish(bridge::admin_ping_subject(), reply, hs, req.SerializeAsString()))
    return failure{exit_unreachable, "UNREACHABLE", "cannot publish on NATS at " + opts_.server};
  std::unique_lock<std::mutex> lock{box->mtx};
  box->cv.wait_until(lock, clock::now() + opts_.timeout,
                     [&] { return !box->replies.empty() && complete(box->replies); });
  if (box->replies.empty())
    return failure{exit_unreachable, "UNREACHABLE",
                   "no Smith node answered smith.admin.ping on " + opts_.server + " within "
                     + std::to_string(opts_.timeout.count()) + " ms"};
  cluster_view out;
  std::set<std::string> seen, known;
  for (auto& r : box->replies) {
    if (!seen.insert(r.info().node()).second)
      continue;
    out.nodes.push_back(r.info());
    for (auto& m : r.info().members())
      if (m.up())
        known.insert(m.node());
  }
  for (auto& k : known)
    if (!seen.count(k))
      out.silent.push_back(k);
  std::sort(out.nodes.begin(), out.nodes.end(),
            [](auto& a, auto& b) { return a.node() < b.node(); });
  return out;
}

std::optional<failure> client::ask(const std::string& node, bridge::admin_verb verb,
                                   const google::protobuf::Message& req,
                                   google::protobuf::Message& reply,
                                   std::optional<std::chrono::milliseconds> timeout) {
  auto subject = bridge::admin_subject(node, verb);
  if (!subject)
    return failure{exit_usage, "BAD_REQUEST", "node name '" + node + "' is not a subject token"};
  auto t = timeout.value_or(opts_.timeout);
  auto hs = bridge::request_headers(req.GetDescriptor()->full_name(),
                                    std::chrono::system_clock::now() + t, "", "smithctl", "");
  auto res = conn_->request(*subject, hs, req.SerializeAsString(), t);
  if (!res || res->no_responders)
    return failure{exit_unreachable, "UNREACHABLE",
                   "node " + node + " did not answer " + *subject + " within "
                     + std::to_string(t.count()) + " ms"};
  auto* type = nats::find_header(res->headers, bridge::header::type);
  if (type != nullptr && *type == v1::InfoReply::descriptor()->full_name()
      && reply.GetDescriptor() != v1::InfoReply::descriptor()) {
    v1::InfoReply err; // the service's answer to a request it could not route
    if (err.ParseFromString(res->data) && err.has_error())
      return failure_of(err.error());
  }
  if (!reply.ParseFromString(res->data))
    return failure{exit_failed, "INTERNAL",
                   "node " + node + " answered " + *subject + " with an unreadable "
                     + reply.GetDescriptor()->full_name()};
  return std::nullopt;
}

} // namespace smith::ctl
