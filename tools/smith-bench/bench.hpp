// Shared pieces of the smith-bench scenarios: options, results, clocks and probes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

namespace smith::bench {

/// Starts a measurement inside a driver actor.
using go_atom = caf::atom_constant<caf::atom("go")>;
/// A driver's report to the main thread: (done_atom, payload).
using done_atom = caf::atom_constant<caf::atom("done")>;
/// A driver's failure report to the main thread: (fail_atom, what).
using fail_atom = caf::atom_constant<caf::atom("fail")>;

/// Command-line settings every scenario sees.
struct options {
  /// Multiplies every count (1.0 = the sizes); counts never drop below a floor.
  double scale = 1.0;
  /// Scheduler policy: "affinity" (default, as smithd), "sharing" or "stealing" (see
  /// configure_scheduler).
  std::string policy = "affinity";
  /// Scheduler threads; 0 = std::thread::hardware_concurrency().
  size_t threads = 0;
  /// Repetitions per side; each line reports the median (the machine is shared and noisy).
  size_t reps = 3;
  /// Which sides run: "both" (default), "smith" or "baseline"; the skipped side reports 0
  /// (for profiling one side, e.g. under callgrind).
  std::string side = "both";
  /// Bridge scenarios: the nodes' bridges dispatch inline on NATS delivery threads
  /// (`[bridge] inline_dispatch`, core/inline_executor.hpp).
  bool inline_dispatch = true;
  /// ... and for one-way messages too (`[bridge] inline_one_way`).
  bool inline_one_way = false;
};

/// One output line: the same figure measured through Smith and as raw CAF.
struct result {
  std::string scenario;
  double smith = 0;
  double baseline = 0;
  /// "msg/s", "agents/s", "bytes/agent", "us", ...
  std::string unit;
};

/// What a scenario returns: its lines, or what went wrong.
using outcome = caf::expected<std::vector<result>>;

/// A runnable scenario. `run` owns its actor systems: it creates one per side
/// and shuts each down before returning.
struct scenario {
  std::string name;
  std::string summary;
  std::function<outcome(const options&)> run;
};

/// The figures one side produces in one repetition, in a fixed order.
using figures = std::vector<double>;

/// Runs one side (Smith or baseline) once in a fresh actor system it shuts down.
using side_fn = std::function<caf::expected<figures>(const options&)>;

/// Name and unit of one figure; compare() yields one result per entry.
struct figure_spec {
  std::string scenario;
  std::string unit;
};

/// Runs `baseline` and `smith` opts.reps times each, alternating (and alternating which side
/// goes first) so that load from other processes hits both sides alike; returns one result per spec
/// holding the per-figure medians. Every repetition is noted on stderr.
outcome compare(const options& opts, const std::vector<figure_spec>& specs, const side_fn& smith,
                const side_fn& baseline);

/// Every scenario in the order a run without arguments executes them.
const std::vector<scenario>& all_scenarios();

/// `n` multiplied by the scale, but at least `floor`.
size_t scaled(const options& opts, size_t n, size_t floor);

/// Applies Smith's setup and the scheduler policy and thread count to `cfg`.
void configure(caf::actor_system_config& cfg, const options& opts);

/// The thread count `opts` resolves to.
size_t thread_count(const options& opts);

/// Nanoseconds on std::chrono::steady_clock, the clock CAF's actor clock uses,
/// so these values compare with supervisor_event::monotonic_ns.
int64_t now_ns();

/// `count` events per second over `ns` nanoseconds.
double per_second(size_t count, int64_t ns);

/// Resident set size of this process in bytes, from /proc/self/statm.
size_t rss_bytes();

/// Hands freed heap back to the OS so that the next RSS delta starts from a
/// trimmed heap instead of reusing what the previous side freed.
void release_free_memory();

/// A scenario failure carrying `what` (rendered by describe_failure).
caf::error failure(std::string what);

/// Human-readable text of an error made by failure() or by CAF.
std::string describe_failure(const caf::error& err);

/// Blocks `self` until a driver sends (done_atom, int64_t) or (fail_atom, string),
/// for at most `limit`. Returns the payload or the failure.
caf::expected<int64_t> await_done(caf::scoped_actor& self, std::chrono::seconds limit);

/// Counts actors that finished initialising so the main thread can wait for
/// all of them. Thread-safe; count_down is one atomic decrement except for the
/// last call, which wakes the waiter. Must outlive every actor that holds it.
class countdown {
public:
  explicit countdown(size_t n) : left_(n) {
    // nop
  }

  void count_down() {
    if (left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> guard{mtx_};
      cv_.notify_all();
    }
  }

  /// Waits until the count reaches zero or `limit` passes; false on timeout.
  bool wait_for(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> guard{mtx_};
    return cv_.wait_for(guard, limit, [this] { return left_.load() == 0; });
  }

  size_t left() const noexcept { return left_.load(); }

private:
  std::atomic<size_t> left_;
  std::mutex mtx_;
  std::condition_variable cv_;
};

/// Prints `text` on stderr as a "# "-prefixed diagnostic line.
void note(const std::string& text);

// The scenarios, one translation unit each.
outcome run_pingpong(const options& opts);
outcome run_spawn(const options& opts);
outcome run_fanout(const options& opts);
outcome run_restart(const options& opts);
outcome run_register(const options& opts);
outcome run_discover(const options& opts);
outcome run_bridge_pubsub(const options& opts);
outcome run_bridge_rpc(const options& opts);
outcome run_persist(const options& opts);
outcome run_recover(const options& opts);
outcome run_plugin_load(const options& opts);
outcome run_kv(const options& opts);
outcome run_propagation(const options& opts);

} // namespace smith::bench
