// The smithctl tests' cluster: nats-server + 3 smithd, started once per process.
#include "tests/tools/smithctl/smithctl_fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace smith::test {

namespace {

std::string write_config(const std::filesystem::path& dir, const std::string& name,
                         const std::string& url) {
  auto file = dir / (name + ".toml");
  std::ofstream{file} << "[node]\nname = \"" << name << "\"\ndata_dir = \""
                      << (dir / name).string() << "\"\n[nats]\nurls = [\"" << url << "\"]\n"
                      << "[cluster]\nheartbeat_interval_ms = 200\ndown_after_ms = 1000\n"
                      << "[registry]\nheartbeat_interval_ms = 200\n"
                      << "[persistence]\nenabled = true\n"
                      << "[http]\nlisten = \"127.0.0.1:0\"\n"
                      << "[[domain]]\nname = \"examples\"\nplugin = \"examples\"\n"
                      << "  [[domain.pool]]\n  agent = \"echo\"\n  instances = 2\n"
                      << "  [[domain.pool]]\n  agent = \"counter\"\n  instances = 1\n";
  return file.string();
}

} // namespace

nlohmann::json ctl_result::json() const {
  return nlohmann::json::parse(out, nullptr, false);
}

ctl_result run_smithctl(std::vector<std::string> args) {
  args.insert(args.begin(), bin_path("smithctl"));
  child_process p{args};
  ctl_result r;
  r.rc = p.wait_exit(std::chrono::seconds{30});
  r.out = p.output();
  return r;
}

ctl_cluster& ctl_cluster::get() {
  static ctl_cluster c;
  return c;
}

ctl_cluster::ctl_cluster() : url_(server_.url()) {
  auto dir = std::filesystem::path{server_.dir()} / "nodes";
  std::filesystem::create_directories(dir);
  for (auto name : {"n1", "n2", "n3"})
    nodes_.push_back(std::make_unique<child_process>(
      std::vector<std::string>{bin_path("smithd"), "--config", write_config(dir, name, url_)}));
  // Ready: every node answers and each one's registry holds all 9 agents.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (std::chrono::steady_clock::now() < deadline) {
    // The first node to answer serves `agents`: ask a few times to reach every node.
    size_t ready = 0;
    for (int i = 0; i < 4; ++i) {
      auto j = ctl({"agents", "--json"}).json();
      ready += j.contains("agents") && j["agents"].size() == 9 ? 1 : 0;
    }
    auto all = ctl({"nodes", "--json"}).json();
    bool counted = all.contains("nodes") && all["nodes"].size() == 3;
    for (auto& n : counted ? all["nodes"] : nlohmann::json::array())
      counted = counted && n.value("agents", std::string{"0"}) == "3";
    if (ready == 4 && counted)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds{100}); // poll interval
  }
  FAIL("the 3-node cluster did not become ready within 30 s\n" << logs());
}

ctl_result ctl_cluster::ctl(std::vector<std::string> args) const {
  args.insert(args.begin(), {"--server", url_, "--timeout", "5s"});
  return run_smithctl(std::move(args));
}

std::string ctl_cluster::http_address(size_t i) {
  const std::string marker = "http listening on ";
  std::string found;
  nodes_.at(i)->wait_for_line(
    [&](const std::string& l) {
      auto at = l.find(marker);
      if (at != std::string::npos)
        found = l.substr(at + marker.size(), l.find_first_of("\" }", at + marker.size()) - at - marker.size());
      return !found.empty();
    },
    std::chrono::seconds{10});
  return found;
}

std::string ctl_cluster::logs() const {
  std::string out;
  for (auto& n : nodes_)
    out += n->output() + "\n----\n";
  return out;
}

} // namespace smith::test
