// Node lifecycle around the root supervisor.
#include "actors/node/node.hpp"

#include <filesystem>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/node/domain_loader.hpp"
#include "actors/node/event_logger.hpp"
#include "actors/tree/tree_builder.hpp"
#include "runtime/core/shutdown.hpp"
#include "runtime/http/http_server.hpp"
#include "runtime/persistence/event_store.hpp"

namespace smith::actors {

int node_exit::exit_code() const {
  return requested && (!reason || is_shutdown(reason)) ? 0 : 70;
}

node::node(caf::actor_system& sys, config::node_config cfg, const domain::domain_catalog& catalog)
  : sys_(sys), cfg_(std::move(cfg)), catalog_(catalog),
    loader_(std::make_unique<domain_loader>(sys_, cfg_, catalog_, nullptr)) {
  // nop
}

node::node(caf::actor_system& sys, config::node_config cfg, const domain::domain_catalog& catalog,
           plugin::plugin_host& host)
  : sys_(sys), cfg_(std::move(cfg)), catalog_(catalog),
    loader_(std::make_unique<domain_loader>(sys_, cfg_, catalog_, &host)) {
  // nop
}

node::~node() {
  if (root_ && !waited_) {
    request_shutdown();
    wait();
  }
  if (http_)
    http_->stop();
  if (logger_)
    caf::anon_send_exit(logger_, caf::exit_reason::user_shutdown);
}

namespace {

/// How long start() waits for the agents started at boot to be routed.
constexpr std::chrono::seconds serving_wait{10};

/// The node's event store at `{data_dir}/events`, or null when persistence is off.
caf::expected<std::shared_ptr<persistence::event_store>>
open_store(const config::node_config& cfg) {
  if (!cfg.persistence.enabled)
    return std::shared_ptr<persistence::event_store>{};
  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec); // RocksDB creates only the last level
  persistence::event_store_options o;
  o.path = (std::filesystem::path{cfg.data_dir} / "events").string();
  o.snapshot_every = cfg.persistence.snapshot_every;
  o.compact = cfg.persistence.compact;
  auto st = persistence::event_store::open(o);
  if (!st)
    return std::move(st.error());
  spdlog::info("node {}: event store at {} (durability {})", cfg.name, o.path,
               persistence::to_string(cfg.persistence.durability));
  return std::shared_ptr<persistence::event_store>{std::move(*st)};
}

} // namespace

caf::error node::start() {
  auto store = open_store(cfg_);
  if (!store)
    return std::move(store.error());
  store_ = std::move(*store);
  store_open_ = store_ != nullptr;
  loader_->use_store(store_);
  if (!cfg_.nats.urls.empty()) {
    auto link = bridge::open_link(cfg_.nats, cfg_.name);
    if (!link)
      return std::move(link.error());
    link_ = std::move(*link);
    spdlog::info("node {} connected to NATS at {}", cfg_.name, link_->rpc->connected_url());
  }
  if (auto err = bind_http())
    return err;
  tally_ = std::make_shared<supervision_tally>();
  logger_ = spawn_event_logger(sys_, store_, tally_);
  supervision::supervisor_options opts;
  opts.event_sink = logger_;
  if (!admin_hooks_.domains && !admin_hooks_.load_domain && !admin_hooks_.unload_domain)
    admin_hooks_ = own_admin_hooks();
  auto cfg = loader_->load_boot_plugins(cfg_);
  auto spec = build_root_spec(cfg, catalog_, opts, link_, loader_->routes(), admin_hooks_,
                              store_);
  if (!spec)
    return std::move(spec.error());
  auto root = supervision::spawn_supervisor(sys_, std::move(*spec), opts);
  if (!root)
    return std::move(root.error());
  root_ = std::move(*root);
  loader_->started(cfg, root_, opts);
  running_ = true;
  if (auto err = serve_http()) {
    request_shutdown();
    wait();
    return err;
  }
  if (auto err = loader_->await_serving(serving_wait))
    spdlog::warn("node {}: {}", cfg_.name, sys_.render(err));
  serving_ = true;
  spdlog::info("node {} started its tree: {} domain(s)", cfg_.name, cfg_.domains.size());
  return {};
}

node_exit node::wait() {
  node_exit out;
  if (!root_)
    return out;
  caf::scoped_actor self{sys_};
  self->monitor(root_);
  self->receive([&](caf::down_msg& dm) { out.reason = std::move(dm.reason); });
  running_ = false;
  // Handlers read the store and ask the tree: no request may outlive them.
  if (http_)
    http_->stop();
  loader_->stopped();
  // The root's last events were sent before it died: let them reach the log first.
  self->request(logger_, std::chrono::seconds{2}, flush_atom::value)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  // Every agent is gone and every decision queued: commit them and release the database.
  store_open_ = false;
  if (store_)
    if (auto err = store_->close())
      spdlog::error("node {}: closing the event store: {}", cfg_.name, caf::to_string(err));
  waited_ = true;
  out.requested = requested_.load();
  if (out.exit_code() == 0)
    spdlog::info("node {} stopped cleanly", cfg_.name);
  else
    spdlog::error("node {}: the root supervisor exited on its own ({})", cfg_.name,
                  supervision::describe_reason(sys_, out.reason));
  return out;
}

caf::expected<domain_info> node::load_domain(const std::string& spec) {
  return loader_->load(spec);
}

caf::error node::unload_domain(const std::string& name, const std::string& version_or_range,
                               std::chrono::milliseconds deadline) {
  return loader_->unload(name, version_or_range, deadline);
}

std::vector<domain_info> node::domains() const {
  return loader_->list();
}

void node::request_shutdown() {
  if (requested_.exchange(true) || !root_)
    return;
  spdlog::info("node {}: shutting the tree down in reverse start order", cfg_.name);
  caf::anon_send_exit(root_, caf::exit_reason::user_shutdown);
}

} // namespace smith::actors
