// smithctl's NATS side: connect, find the nodes (smith.admin.ping), ask one node.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "runtime/bridge/subject.hpp"
#include "runtime/nats/connection.hpp"
#include "smith/admin/v1/admin.pb.h"

namespace smith::ctl {

/// smithctl's exit codes (sysexits.h where one fits).
enum exit_code : int {
  exit_ok = 0,
  /// Not found, refused, or any error a node answered.
  exit_failed = 1,
  /// Bad command line (EX_USAGE).
  exit_usage = 64,
  /// No node answered within --timeout, or NATS is unreachable (EX_UNAVAILABLE).
  exit_unreachable = 69,
};

/// A failure with its exit code and admin error code name ("NOT_FOUND", "UNREACHABLE", ...).
struct failure {
  int exit = exit_failed;
  std::string code;
  std::string message;
};

/// Options shared by every verb.
struct client_options {
  std::string server = "nats://127.0.0.1:4222";
  std::string creds;
  std::chrono::milliseconds timeout{2000};
};

/// Result of discovery: the nodes that answered, and members they know that did not.
struct cluster_view {
  std::vector<admin::v1::NodeInfo> nodes; // ordered by name
  std::vector<std::string> silent;        // known (up) members that did not answer
};

/// One connection to NATS for one smithctl run. Not thread-safe.
class client {
public:
  /// Connects (within opts.timeout); a failure is exit_unreachable.
  static std::variant<std::unique_ptr<client>, failure> connect(const client_options& opts);

  /// A client over an existing connection (e.g. a node's own rpc connection, which it keeps
  /// owning); `opts.server` only names it in messages. `conn` must not be null.
  static std::unique_ptr<client> attach(client_options opts,
                                        std::shared_ptr<nats::connection> conn);

  /// Publishes smith.admin.ping and gathers InfoReply until every member any reply names
  /// has answered or the timeout passed. No answer at all is exit_unreachable.
  std::variant<cluster_view, failure> discover();

  /// Sends `req` to smith.admin.{node}.{verb} and parses the answer into `reply`.
  /// No answer within the timeout (or no responders) is exit_unreachable.
  std::optional<failure> ask(const std::string& node, bridge::admin_verb verb,
                             const google::protobuf::Message& req,
                             google::protobuf::Message& reply,
                             std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  const client_options& options() const noexcept { return opts_; }

private:
  client(client_options opts, std::shared_ptr<nats::connection> conn)
    : opts_(std::move(opts)), conn_(std::move(conn)) {}

  client_options opts_;
  std::shared_ptr<nats::connection> conn_;
};

/// The failure of an admin Error (exit_failed; code = the enum name without its prefix).
failure failure_of(const admin::v1::Error& err);

/// Parses "500ms", "2s", "1.5s", "2" (seconds), "1m"; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

} // namespace smith::ctl
