// Opening the node's two NATS connections.
#include "runtime/bridge/nats_link.hpp"

#include "runtime/bridge/subject.hpp"
#include "runtime/nats/options_from_config.hpp"

namespace smith::bridge {

caf::expected<std::shared_ptr<nats_link>> open_link(const config::nats_config& cfg,
                                                    const std::string& node) {
  auto link = std::make_shared<nats_link>();
  link->max_payload = cfg.max_payload;
  auto rpc_opts = nats::to_nats_options(cfg, "smith/" + node + "/rpc");
  rpc_opts.send_asap = true;
  auto rpc = nats::connection::connect(rpc_opts);
  if (!rpc)
    return std::move(rpc.error());
  auto bulk = nats::connection::connect(nats::to_nats_options(cfg, "smith/" + node + "/bulk"));
  if (!bulk)
    return std::move(bulk.error());
  link->rpc = std::move(*rpc);
  link->bulk = std::move(*bulk);
  // The inbox token is unique per process, so a restarted node never receives replies
  // meant for its previous incarnation.
  auto inbox = link->rpc->new_inbox_prefix();
  auto nonce = inbox.substr(inbox.rfind('.') + 1);
  auto prefix = reply_prefix(node, nonce);
  if (!prefix)
    return std::move(prefix.error());
  link->reply_prefix = std::move(*prefix);
  return link;
}

} // namespace smith::bridge
