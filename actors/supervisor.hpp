#pragma once
// supervisor: an Erlang/OTP-style supervisor for CAF 0.17 (which has none).
//
// Semantics (one_for_one, OTP names; see reliability-security.md section 3):
// - Start: children are started in spec order by calling spec.start(system);
//   the supervisor links to each one (so children die with it) and monitors
//   it; it traps exits (set_exit_handler), so a child's death never kills it.
//   The down_msg is what reports a child's death: a child stopped by our
//   send_exit unlinks from us first (CAF 0.17), so no exit_msg comes back.
//   A start function that throws or returns an invalid handle counts as a
//   crash of that child (restart policy, back-off and intensity apply).
// - Restart policy per child: permanent = always restarted (even after a
//   normal exit); transient = restarted only after an abnormal exit (anything
//   but exit_reason::normal / user_shutdown, OTP's normal/shutdown);
//   temporary = never restarted.
// - Back-off: a restart happens after a per-child delay (delayed_send to self):
//   backoff_initial, then x backoff_factor per restart, capped at backoff_max;
//   it falls back to backoff_initial when the crashed instance had been up for
//   at least backoff_reset_after. Deterministic unless backoff_jitter > 0
//   (delay * (1 + U[0, jitter)) from a generator seeded with jitter_seed).
// - Restart intensity: every restart decision is time-stamped; if more than
//   max_restarts decisions fall within `period`, the supervisor escalates:
//   on_escalate(why), stop all children (as in shutdown), then quit with
//   restart_intensity_error(...) (xarb::error_code::internal, context
//   "restart intensity exceeded"). A parent supervisor sees that abnormal exit
//   and applies its own policy, so nested supervisors work.
// - Registry: after each (re)start, registry->put(child name, handle) (which
//   notifies watchers with `rebound`); when the child dies,
//   registry->erase(name, only_if = its address). on_child_state(name, up)
//   reports both transitions.
// - on_restart(child, exit reason, restart_count) is called when a restart is
//   decided (before the back-off delay); restart_count counts this child's
//   restarts so far, this one included. Callbacks run on the supervisor's
//   thread; they must not block.
// - Shutdown (atom::shutdown, or an abnormal exit_msg from a non-child, i.e.
//   the parent or a linked operator): no more restarts; children are stopped
//   one at a time in REVERSE start order with send_exit(user_shutdown); a
//   child still alive after its shutdown_timeout (stop_grace reminder) gets
//   send_exit(kill). shutdown_timeout <= 0 means kill at once (brutal_kill),
//   timespan::max() means wait forever. Then the supervisor quits with
//   exit_reason::normal (atom::shutdown), the parent's reason (exit_msg) or
//   the escalation error. exit_msgs with reason normal from non-children are
//   ignored (CAF's default too). The ordered stop is used for a parent's
//   exit as well (OTP does the same), so give a nested supervisor a
//   shutdown_timeout covering its children (supervisor_child() does).
// - exit_reason::kill cannot be trapped, and an exception inside the
//   supervisor is turned into an error exit (error_code::internal, reported
//   via on_escalate): in both cases the supervisor dies at once and its
//   children die with it, without ordering (exit_msg via the link, or
//   exit_reason::unreachable when it held their last reference).
// - Children's own exceptions end them with sec::runtime_error, which
//   on_restart receives as the reason.
//
// Messages handled:
//   (atom::status)           -> std::string, one "name:state:restarts" line per
//                               child in start order (state: running,
//                               restarting, stopping, stopped)
//   (atom::children)         -> std::vector<caf::actor> in start order (invalid
//                               handle for a child that is not running)
//   (caf::get_atom, string)  -> caf::actor of that child (invalid if down)
//   (atom::shutdown)         -> graceful shutdown as above, no reply
//   (atom::restart, string)  internal: back-off elapsed
//   (atom::stop_grace, string, uint64_t) internal: shutdown timeout elapsed

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>

namespace xarb {

class name_registry;

enum class restart_policy : uint8_t { permanent, transient, temporary };

std::string_view to_string(restart_policy x) noexcept;

struct child_spec {
  std::string name; ///< unique within one supervisor; also the registry name
  restart_policy policy = restart_policy::permanent;
  std::function<caf::actor(caf::actor_system&)> start;
  caf::timespan shutdown_timeout = std::chrono::seconds(5);
};

struct supervisor_config {
  std::string name;
  std::vector<child_spec> children;
  int max_restarts = 5;
  caf::timespan period = std::chrono::seconds(30);
  caf::timespan backoff_initial = std::chrono::milliseconds(100);
  caf::timespan backoff_max = std::chrono::seconds(10);
  double backoff_factor = 2.0;
  caf::timespan backoff_reset_after = std::chrono::seconds(60);
  double backoff_jitter = 0.0; ///< 0 = deterministic back-off
  uint64_t jitter_seed = 0;
  name_registry* registry = nullptr;
  std::function<void(const std::string& child, const caf::error& reason,
                     int restart_count)>
    on_restart;
  std::function<void(const std::string& child, bool up)> on_child_state;
  std::function<void(const std::string& why)> on_escalate;
};

enum class child_status : uint8_t { running, restarting, stopping, stopped };

std::string_view to_string(child_status x) noexcept;

/// Book-keeping of one child inside the supervisor.
struct child_entry {
  child_spec spec;
  caf::actor handle; ///< valid while running or stopping
  caf::actor_addr last_instance; ///< the previous (dead) instance
  child_status status = child_status::stopped;
  int restarts = 0;
  caf::timespan next_backoff{0};
  caf::actor_clock::time_point started_at{};
};

struct supervisor_state {
  supervisor_config cfg;
  std::vector<child_entry> children;
  std::deque<caf::actor_clock::time_point> restart_log; ///< intensity window
  bool stopping = false;
  caf::error final_reason;
  size_t stop_cursor = 0;       ///< children[stop_cursor..] are done stopping
  uint64_t stop_generation = 0; ///< matches the live stop_grace reminder
  std::mt19937_64 rng;

  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

/// The supervisor actor: `sys.spawn(xarb::supervisor, cfg)`.
caf::behavior supervisor(supervisor_actor* self, supervisor_config cfg);

/// A child_spec that runs a nested supervisor. Its default shutdown timeout is
/// the sum of its children's timeouts plus one second, so the parent never
/// kills it while it is still stopping its own children in order.
child_spec supervisor_child(supervisor_config cfg,
                            restart_policy policy = restart_policy::permanent);

/// The error a supervisor exits with when its restart intensity is exceeded.
caf::error restart_intensity_error(const std::string& supervisor_name,
                                   const std::string& child_name);

/// True if `err` was produced by restart_intensity_error.
bool is_restart_intensity_error(const caf::error& err);

} // namespace xarb
