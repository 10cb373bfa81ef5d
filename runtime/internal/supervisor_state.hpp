// Internal: the state and decision logic of one supervisor actor.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/intrusive_ptr.hpp>
#include <caf/make_counted.hpp>
#include <caf/ref_counted.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "runtime/internal/child_id_index.hpp"
#include "runtime/supervision/restart_window.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace smith::supervision::internal {

/// A child's spec shared by its records through an intrusive count: a pointer per record (a
/// shared_ptr would take 16 bytes in each of a pool's up to 100k records).
class spec_ref {
public:
  spec_ref() = default;
  explicit spec_ref(child_spec x) : ptr_(caf::make_counted<counted>(std::move(x))) {}
  const child_spec* operator->() const noexcept { return &ptr_->spec; }
  const child_spec& operator*() const noexcept { return ptr_->spec; }
  void reset() noexcept { ptr_.reset(); }

private:
  struct counted : caf::ref_counted {
    explicit counted(child_spec x) : spec(std::move(x)) {}
    const child_spec spec;
  };
  caf::intrusive_ptr<counted> ptr_;
};

/// One child as the supervisor tracks it.
struct child_record {
  std::string id;
  /// The rest of the child's spec (its id is empty), shared with the consecutive children
  /// made from the same template (child_spec::template_key, a child_group): one per pool.
  spec_ref spec;
  caf::actor handle;
  uint64_t incarnation = 0;
  uint64_t restarts = 0;
  restart_window::time_point started_at{};
  uint32_t backoff_attempt = 0;
  child_status status = child_status::undefined;
  /// Set while terminating a temporary child that must vanish afterwards.
  bool remove_after_terminate = false;
};

/// A step of a multi-child operation (restart of several children, shutdown).
struct plan_step {
  enum class kind { terminate, start, run, quit };
  kind what;
  std::string id;
  std::function<void()> fn;
};

/// A child exit seen while a plan was running; handled once the plan is done.
struct deferred_exit {
  std::string id;
  uint64_t incarnation;
  caf::error reason;
};

using self_pointer = caf::stateful_actor<struct supervisor_state>*;

struct supervisor_state {
  static inline const char* name = "smith.supervisor";

  supervisor_state(self_pointer self);
  /// Drops the children's specs (their start functions may live in a plugin): only the
  /// records' ids and handles outlive the state, for the cleanup functor.
  ~supervisor_state();
  supervisor_state(const supervisor_state&) = delete;
  supervisor_state& operator=(const supervisor_state&) = delete;

  // -- setup and OTP operations --------------------------------------------
  void init(supervisor_spec spec, supervisor_options opts);
  caf::expected<caf::actor> start_child(child_spec spec);
  /// start_child with a copy of child `from`'s spec under id `to`.
  caf::expected<caf::actor> clone_child(const std::string& from, const std::string& to);
  /// Delivers ok to `rp` once the child is gone (possibly after a plan).
  void terminate_child(const std::string& id, caf::typed_response_promise<ok_atom> rp);
  caf::expected<caf::actor> restart_child(const std::string& id);
  caf::expected<ok_atom> delete_child(const std::string& id);
  std::vector<child_info> which_children() const;
  child_counts count_children() const;
  caf::result<caf::actor> get_child(const std::string& id) const;
  std::vector<supervisor_event> events() const;
  /// The supervisor's flags (strategy, intensity, period, auto_shutdown).
  const supervisor_flags& flags() const noexcept { return spec_.flags; }

  // -- signals ---------------------------------------------------------------
  /// A monitored child's exit.
  void on_down(const caf::down_msg& msg);
  /// An exit reported by the child itself (child_spec::reports_exit): `who` ended with
  /// `reason`; ignored unless `who` is still child `id`'s running actor.
  void on_child_down(const caf::actor_addr& who, const std::string& id, const caf::error& reason);
  void on_exit(const caf::exit_msg& msg);
  void on_shutdown_timeout(const std::string& id, uint64_t incarnation);
  void on_try_again(const std::string& id, uint64_t incarnation, bool consume_intensity);

  /// Whether a plan or shutdown is in progress (mutations are deferred).
  bool busy() const { return !plan_.empty() || shutting_down_; }
  /// Runs `fn` now, or after the current plan when busy.
  void when_idle(std::function<void()> fn);

private:
  child_record* find(const std::string& id);
  const child_record* find(const std::string& id) const;
  child_record* find(const caf::actor_addr& addr);
  /// The child `id` if it exists and is neither running nor restarting.
  caf::expected<child_record*> stopped_child(const std::string& id);
  void erase(std::string id); // by value: callers pass ids owned by the erased record
  /// Appends a record and indexes its id.
  child_record& append(child_spec spec);
  /// Appends a record per id of `g`, all sharing its spec.
  void append_group(child_group g);
  /// `spec` without its id, as the previous child's shared spec if it has the same template.
  spec_ref share_spec(child_spec spec) const;
  /// Sets or clears a child's running handle, keeping monitored_ in step.
  void set_handle(child_record& c, caf::actor handle);
  /// A running child's exit, however it was learnt (monitor or the child's own report).
  void child_exited(child_record& c, const caf::error& reason);

  caf::error start_one(child_record& c, bool is_restart);
  void handle_exit(child_record& c, caf::error reason);
  void del_child_and_maybe_shutdown(child_record& c);
  void restart(child_record& c);
  void restart_with_strategy(child_record& c);
  void schedule_retry(child_record& c);
  void plan_terminate_range(size_t first, size_t last_excl);
  void plan_start_range(size_t first, size_t last_excl);
  bool begin_terminate(child_record& c);
  void finish_terminate(child_record& c, const caf::error& reason);
  void run_plan();
  void abort_starts_after_failure(child_record& failed);
  void begin_shutdown(caf::error reason, bool escalate);
  void drain_deferred();
  void emit(event_kind kind, const std::string& child, std::string reason, uint64_t inc);
  restart_window::time_point now() const;
  std::string describe(const caf::error& err) const;

  self_pointer self_;
  supervisor_spec spec_;
  supervisor_options opts_;
  // The records are shared with the cleanup functor that takes the running children down if
  // this supervisor dies (links cannot: CAF forwards an untrappable kill). The state is gone
  // by then; the records keep the handles, so no child dies `unreachable` first.
  std::shared_ptr<std::vector<child_record>> records_{
    std::make_shared<std::vector<child_record>>()};
  std::vector<child_record>& children_{*records_};
  // O(1) lookups: supervisors may own 100k children (pools of agents).
  // append() inserts only after the record is in place.
  child_id_index by_id_{&children_};
  // Monitored running children by address (index in children_). Children that report their
  // own exit (agents) are found by id and need no entry here.
  std::unordered_map<caf::actor_addr, size_t> monitored_;
  restart_window window_{1, std::chrono::milliseconds{5000}};
  std::deque<plan_step> plan_;
  std::string awaiting_;
  bool shutting_down_ = false;
  std::deque<deferred_exit> deferred_exits_;
  std::deque<std::function<void()>> deferred_requests_;
  // The last opts_.event_capacity events, a ring once full: events_head_ is the oldest, and
  // a new event overwrites it in place (its strings keep their buffers), so a pool's 100k
  // starts allocate nothing here.
  std::vector<supervisor_event> events_;
  size_t events_head_ = 0;
  caf::error shutdown_reason_;
  bool escalating_ = false;
  std::mt19937_64 rng_;
};

} // namespace smith::supervision::internal
