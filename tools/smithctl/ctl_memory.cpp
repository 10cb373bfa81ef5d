// smithctl checkpoint | restore | wipe | fork: memory operations on event-sourced agents.
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "tools/smithctl/ctl_output.hpp"
#include "tools/smithctl/ctl_verbs.hpp"

namespace smith::ctl {

namespace v1 = admin::v1;
using bridge::admin_verb;

namespace {

/// "user@host": who asked, as recorded with the operation.
std::string who_am_i() {
  const char* user = std::getenv("USER");
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0)
    host[0] = '\0';
  return std::string{user != nullptr && *user != '\0' ? user : "unknown"} + "@" + host;
}

} // namespace

int cmd_memory(const globals& g, const memory_args& m) {
  auto ref = parse_ref(m.agent);
  auto so = open_session(g);
  if (auto* f = std::get_if<failure>(&so))
    return report(*f, g.json);
  auto& s = std::get<session>(so);
  auto node = node_of(s, ref, g.agent_node);
  if (auto* f = std::get_if<failure>(&node))
    return report(*f, g.json);
  v1::MemoryRequest req;
  *req.mutable_agent() = ref;
  req.set_op(m.op);
  req.set_label(m.label);
  req.set_seq(m.seq);
  req.set_fork_name(m.fork_name);
  req.set_who(who_am_i());
  req.set_why(m.why);
  v1::MemoryReply reply;
  auto slow = std::chrono::milliseconds{35000} + g.net.timeout;
  if (auto f = s.c->ask(std::get<std::string>(node), admin_verb::memory, req, reply, slow))
    return report(*f, g.json);
  if (reply.has_error())
    return report(failure_of(reply.error()), g.json);
  auto what = short_name(v1::MemoryOp_Name(m.op), "MEMORY_OP_");
  auto seq = reply.done().seq();
  if (g.json) {
    nlohmann::json out{{"agent", m.agent}, {"op", what}, {"seq", seq}, {"ok", true}};
    if (reply.done().has_forked())
      out["forked"] = reply.done().forked().domain() + "/" + reply.done().forked().name();
    print_json(out);
  } else {
    std::cout << what << " " << m.agent << ": ok (seq " << seq << ")";
    if (reply.done().has_forked())
      std::cout << ", started " << reply.done().forked().name();
    std::cout << "\n";
  }
  return exit_ok;
}

} // namespace smith::ctl
