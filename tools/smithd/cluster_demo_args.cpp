// Command-line arguments of the cluster demo (smithd --probe, --probe-kill).
#include <algorithm>
#include <sstream>

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "runtime/core/token.hpp"
#include "tools/smithd/cluster_demo.hpp"

namespace smith::tools {

namespace {

caf::error bad_arg(const std::string& what) {
  return caf::make_error(caf::sec::invalid_argument, what);
}

} // namespace

caf::expected<cluster_demo_options> parse_cluster_demo_args(const std::string& nodes,
                                                            const std::string& kill) {
  cluster_demo_options out;
  std::stringstream in{nodes};
  for (std::string n; std::getline(in, n, ',');) {
    if (auto why = token_error(n))
      return bad_arg("--probe: '" + n + "' is not a node name: " + *why);
    if (std::find(out.nodes.begin(), out.nodes.end(), n) != out.nodes.end())
      return bad_arg("--probe: node '" + n + "' is listed twice");
    out.nodes.push_back(n);
  }
  if (out.nodes.empty())
    return bad_arg("--probe needs the nodes to expect, e.g. --probe n1,n2,n3");
  if (kill.empty())
    return out;
  auto colon = kill.rfind(':');
  out.kill_node = kill.substr(0, colon == std::string::npos ? 0 : colon);
  if (std::find(out.nodes.begin(), out.nodes.end(), out.kill_node) == out.nodes.end())
    return bad_arg("--probe-kill: expected NODE:PID with NODE one of --probe, got '" + kill + "'");
  auto pid = kill.substr(colon + 1);
  if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos
      || std::stoi(pid) <= 0)
    return bad_arg("--probe-kill: '" + pid + "' is not a pid");
  out.kill_pid = std::stoi(pid);
  return out;
}

} // namespace smith::tools
