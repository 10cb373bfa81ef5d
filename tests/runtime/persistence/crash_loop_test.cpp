// kill -9 the writing process at random moments, 100 times over one database: it opens every
// time and every acknowledged event is there, in order, with its payload.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/persistence/event_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace smith::persistence;

namespace {

constexpr int cycles = 100;
constexpr int writers = 2;

/// What the child reports through the pipe after each ack (one write: atomic, < PIPE_BUF).
struct ack_record {
  uint32_t writer = 0;
  uint32_t cycle = 0;
  uint32_t index = 0;
  uint64_t seq = 0;
};

std::string agent_of(uint32_t writer) {
  return std::string{"crash/writer-"}.append(std::to_string(writer));
}

std::string payload_of(const ack_record& r) {
  // append(): GCC 12 warns falsely (-Wstringop-overflow) on `literal + std::string&&` at -O3.
  return std::string{"c"}.append(std::to_string(r.cycle)).append("-i").append(
    std::to_string(r.index));
}

durability_mode mode_of(int cycle) {
  static constexpr durability_mode modes[] = {durability_mode::group, durability_mode::sync,
                                              durability_mode::none};
  return modes[cycle % 3];
}

/// The child: writes until killed, reporting every ack. Never returns.
[[noreturn]] void run_child(const std::string& path, int cycle, int fd) {
  event_store_options opts;
  opts.path = path;
  auto st = event_store::open(opts);
  if (!st)
    _exit(3);
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      for (uint32_t i = 0;; ++i) {
        ack_record r{w, static_cast<uint32_t>(cycle), i, 0};
        auto a = (*st)->persist(agent_of(w), "", payload_of(r), mode_of(cycle));
        if (!a)
          _exit(4);
        r.seq = a->seq;
        if (::write(fd, &r, sizeof r) != static_cast<ssize_t>(sizeof r))
          _exit(5);
      }
    });
  for (auto& t : threads)
    t.join();
  _exit(6);
}

/// Reads one ack from `fd`: false at end of file, or when none came for 30 s (a stuck writer).
bool read_ack(int fd, ack_record& r) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 30'000) != 1) {
    FAIL_CHECK("the writer reported no ack for 30 s");
    return false;
  }
  return ::read(fd, &r, sizeof r) == sizeof r;
}

/// Starts a writer in a fresh process (fork, then exec of this test binary running only the
/// child case below: a forked copy of this multi-threaded process could inherit a lock held
/// by one of RocksDB's background threads), reads `kill_after` acks (0 = kill while it
/// opens), kills it with SIGKILL and returns every ack it reported before dying.
std::vector<ack_record> run_cycle(const std::string& path, int cycle, size_t kill_after) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  // Everything the child needs is built before fork: after it, only exec.
  std::vector<std::string> env_text{"SMITH_CRASH_CHILD_DB=" + path,
                                    "SMITH_CRASH_CHILD_CYCLE=" + std::to_string(cycle),
                                    "SMITH_CRASH_CHILD_FD=" + std::to_string(fds[1])};
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "SMITH_CRASH_CHILD_", 18) != 0)
      env_text.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_text)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string tc = "-tc=crash loop writer child";
  char name[] = "test_persistence";
  char* argv[] = {name, tc.data(), nullptr};
  auto pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::execve("/proc/self/exe", argv, envp.data());
    _exit(7);
  }
  ::close(fds[1]);
  std::vector<ack_record> acks;
  ack_record r;
  while (acks.size() < kill_after && read_ack(fds[0], r))
    acks.push_back(r);
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK_MESSAGE(WIFSIGNALED(status), "writer exited with " << WEXITSTATUS(status));
  while (::read(fds[0], &r, sizeof r) == sizeof r) // acks sent before it died
    acks.push_back(r);
  ::close(fds[0]);
  return acks;
}

/// Every acked event of every cycle so far is stored at its seq; seqs have no gaps.
void verify(const std::string& path, const std::map<std::pair<uint32_t, uint64_t>,
                                                    std::string>& acked) {
  event_store_options opts;
  opts.path = path;
  auto st = event_store::open(opts);
  REQUIRE_MESSAGE(st, "the database did not open after kill -9");
  for (uint32_t w = 0; w < writers; ++w) {
    auto evs = (*st)->events_since(agent_of(w), 0);
    REQUIRE(evs);
    for (size_t i = 0; i < evs->size(); ++i)
      if ((*evs)[i].seq != i + 1)
        FAIL("writer " << w << ": event " << i << " has seq " << (*evs)[i].seq);
    for (auto i = acked.lower_bound({w, 0}); i != acked.end() && i->first.first == w; ++i) {
      auto seq = i->first.second;
      if (seq > evs->size())
        FAIL("writer " << w << ": acked seq " << seq << " lost (" << evs->size() << " stored)");
      if ((*evs)[seq - 1].payload != i->second)
        FAIL("writer " << w << ": seq " << seq << " holds " << (*evs)[seq - 1].payload
                       << ", acked " << i->second);
    }
  }
}

} // namespace

// The writer's side (run_cycle execs it); does nothing unless the parent set the environment.
TEST_CASE("crash loop writer child") {
  auto* path = std::getenv("SMITH_CRASH_CHILD_DB");
  auto* cycle = std::getenv("SMITH_CRASH_CHILD_CYCLE");
  auto* fd = std::getenv("SMITH_CRASH_CHILD_FD");
  if (path == nullptr || cycle == nullptr || fd == nullptr)
    return;
  run_child(path, std::atoi(cycle), std::atoi(fd));
}

TEST_CASE("event_store survives 100 kill -9 cycles with every acknowledged event intact") {
  smith::test::temp_dir dir{"smith-crash-loop"};
  auto path = dir.str("db");
  std::mt19937 rng{20261121}; // fixed: the kill points (in acks) repeat from run to run
  std::uniform_int_distribution<size_t> kill_point{0, 60};
  std::map<std::pair<uint32_t, uint64_t>, std::string> acked;
  size_t total = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    CAPTURE(cycle);
    for (auto& r : run_cycle(path, cycle, kill_point(rng))) {
      auto [it, fresh] = acked.emplace(std::pair{r.writer, r.seq}, payload_of(r));
      REQUIRE_MESSAGE(fresh, "seq " << r.seq << " acked twice"); // a seq is never reused
      ++total;
    }
    verify(path, acked);
  }
  MESSAGE(total << " acknowledged events over " << cycles << " kill -9 cycles");
  CHECK(total > 0);
}
