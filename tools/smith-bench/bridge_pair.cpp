// The bridge scenarios' shared setup.
#include "tools/smith-bench/bridge_pair.hpp"

#include "domains/examples/examples_domain.hpp"

namespace smith::bench {

caf::expected<std::shared_ptr<nats_setup>> make_setup() {
  auto out = std::make_shared<nats_setup>();
  auto server = nats_launcher::start();
  if (!server)
    return std::move(server.error());
  out->server = std::move(*server);
  auto cat = examples_catalog();
  if (!cat)
    return std::move(cat.error());
  out->catalog = std::move(*cat);
  note("nats-server at " + out->server->url());
  return out;
}

caf::expected<node_pair> start_pair(const options& opts, const nats_setup& env) {
  node_pair p;
  auto b = bench_node::start(opts, "b", env.server->url(), *env.catalog);
  if (!b)
    return std::move(b.error());
  p.b = std::move(*b);
  auto a = bench_node::start(opts, "a", env.server->url(), *env.catalog);
  if (!a)
    return std::move(a.error());
  p.a = std::move(*a);
  return p;
}

} // namespace smith::bench
