#include "actors/supervisor.hpp"

#include "actors/exception_text.hpp"

#include <algorithm>
#include <exception>
#include <set>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

#include "actors/name_registry.hpp"
#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"

namespace xarb {

std::string_view to_string(restart_policy x) noexcept {
  switch (x) {
    case restart_policy::permanent:
      return "permanent";
    case restart_policy::transient:
      return "transient";
    case restart_policy::temporary:
      return "temporary";
  }
  return "unknown";
}

std::string_view to_string(child_status x) noexcept {
  switch (x) {
    case child_status::running:
      return "running";
    case child_status::restarting:
      return "restarting";
    case child_status::stopping:
      return "stopping";
    case child_status::stopped:
      return "stopped";
  }
  return "unknown";
}

namespace {

constexpr std::string_view intensity_text = "restart intensity exceeded";

using time_point = caf::actor_clock::time_point;

bool is_normal_exit(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal
         || reason == caf::exit_reason::user_shutdown;
}

child_entry* find_child(supervisor_actor* self, const std::string& name) {
  for (auto& c : self->state.children)
    if (c.spec.name == name)
      return &c;
  return nullptr;
}

child_entry* find_child(supervisor_actor* self, const caf::actor_addr& addr) {
  for (auto& c : self->state.children)
    if (c.handle && c.handle.address() == addr)
      return &c;
  return nullptr;
}

caf::timespan next_delay(supervisor_actor* self, child_entry& c,
                         time_point now) {
  auto& cfg = self->state.cfg;
  if (c.started_at != time_point{}
      && now - c.started_at >= cfg.backoff_reset_after)
    c.next_backoff = cfg.backoff_initial; // it was stable: forget old crashes
  auto delay = c.next_backoff;
  // Grow for next time, saturating at backoff_max (compare in double to
  // avoid int64 overflow for large factors).
  auto grown = static_cast<double>(c.next_backoff.count()) * cfg.backoff_factor;
  c.next_backoff = grown >= static_cast<double>(cfg.backoff_max.count())
                     ? cfg.backoff_max
                     : caf::timespan{static_cast<caf::timespan::rep>(grown)};
  if (cfg.backoff_jitter > 0.0) {
    std::uniform_real_distribution<double> u{0.0, cfg.backoff_jitter};
    auto extra = static_cast<double>(delay.count()) * u(self->state.rng);
    delay += caf::timespan{static_cast<caf::timespan::rep>(extra)};
  }
  return delay;
}

// Records one restart decision; true if the intensity limit is exceeded.
bool intensity_exceeded(supervisor_actor* self, time_point now) {
  auto& st = self->state;
  st.restart_log.push_back(now);
  while (!st.restart_log.empty() && now - st.restart_log.front() >= st.cfg.period)
    st.restart_log.pop_front();
  return static_cast<int>(st.restart_log.size()) > st.cfg.max_restarts;
}

void stop_next(supervisor_actor* self);

// Stops every child in reverse start order, then quits with `reason`.
void begin_stop(supervisor_actor* self, caf::error reason) {
  auto& st = self->state;
  if (st.stopping) {
    // Already stopping: keep the first abnormal reason.
    if (!st.final_reason || st.final_reason == caf::exit_reason::normal)
      if (reason && reason != caf::exit_reason::normal)
        st.final_reason = std::move(reason);
    return;
  }
  st.stopping = true;
  st.final_reason = std::move(reason);
  st.stop_cursor = st.children.size();
  stop_next(self);
}

void stop_next(supervisor_actor* self) {
  auto& st = self->state;
  while (st.stop_cursor > 0) {
    auto& c = st.children[--st.stop_cursor];
    if (c.status != child_status::running) {
      c.status = child_status::stopped; // also cancels a pending restart
      continue;
    }
    c.status = child_status::stopping;
    auto timeout = c.spec.shutdown_timeout;
    if (timeout <= caf::timespan{0}) {
      self->send_exit(c.handle, caf::exit_reason::kill); // brutal_kill
      return;
    }
    self->send_exit(c.handle, caf::exit_reason::user_shutdown);
    if (timeout != caf::timespan::max())
      self->delayed_send(self, timeout, atom::stop_grace_v, c.spec.name,
                         ++st.stop_generation);
    return;
  }
  self->quit(st.final_reason);
}

void escalate(supervisor_actor* self, const child_entry& c,
              const caf::error& reason) {
  auto& cfg = self->state.cfg;
  if (cfg.on_escalate)
    cfg.on_escalate("supervisor '" + cfg.name + "': " + std::string{intensity_text}
                    + " (more than " + std::to_string(cfg.max_restarts)
                    + " restarts in the period) after child '" + c.spec.name
                    + "' exited with " + self->system().render(reason));
  begin_stop(self, restart_intensity_error(cfg.name, c.spec.name));
}

// The child is gone (exited, or failed to start): apply its restart policy.
void on_child_down(supervisor_actor* self, child_entry& c, caf::error reason) {
  auto& st = self->state;
  bool restart = false;
  switch (c.spec.policy) {
    case restart_policy::permanent:
      restart = true;
      break;
    case restart_policy::transient:
      restart = !is_normal_exit(reason);
      break;
    case restart_policy::temporary:
      break;
  }
  if (!restart) {
    c.status = child_status::stopped;
    return;
  }
  // clock().now(), not self->now(): Debian's libcaf_core does not export
  // local_actor::now(). Under the test coordinator this is the test clock.
  auto now = self->clock().now();
  if (intensity_exceeded(self, now)) {
    c.status = child_status::stopped;
    escalate(self, c, reason);
    return;
  }
  auto delay = next_delay(self, c, now);
  c.status = child_status::restarting;
  ++c.restarts;
  if (st.cfg.on_restart)
    st.cfg.on_restart(c.spec.name, reason, c.restarts);
  self->delayed_send(self, delay, atom::restart_v, c.spec.name);
}

void start_child(supervisor_actor* self, child_entry& c) {
  auto& cfg = self->state.cfg;
  caf::actor h;
  caf::error failure;
  try {
    if (c.spec.start)
      h = c.spec.start(self->system());
  } catch (const std::exception& e) {
    failure = caf::make_error(error_code::internal, "child start threw",
                              c.spec.name, std::string{e.what()});
  } catch (...) {
    failure = caf::make_error(error_code::internal, "child start threw",
                              c.spec.name);
  }
  if (!h) {
    if (!failure)
      failure = caf::make_error(error_code::internal,
                                "child start returned no actor", c.spec.name);
    on_child_down(self, c, std::move(failure));
    return;
  }
  c.handle = std::move(h);
  c.status = child_status::running;
  c.started_at = self->clock().now();
  // The link makes children die with the supervisor; the monitor is how we
  // learn about their death: a child that receives our send_exit unlinks
  // from us before dying (CAF 0.17 unlinks from an exit_msg's source), so no
  // exit_msg would come back. If the child is already dead, CAF delivers the
  // down_msg right away.
  self->link_to(c.handle);
  self->monitor(c.handle);
  if (cfg.registry)
    cfg.registry->put(c.spec.name,
                      caf::actor_cast<caf::strong_actor_ptr>(c.handle));
  if (cfg.on_child_state)
    cfg.on_child_state(c.spec.name, true);
}

// exit_msg: a child's is a duplicate of its down_msg (ignored); anything
// else comes from the parent or another linked actor.
void on_exit(supervisor_actor* self, caf::exit_msg& msg) {
  for (auto& c : self->state.children)
    if ((c.handle && c.handle.address() == msg.source)
        || (c.last_instance && c.last_instance == msg.source))
      return;
  // A normal exit of a linked non-child is ignored, as CAF does by default.
  if (msg.reason && msg.reason != caf::exit_reason::normal)
    begin_stop(self, std::move(msg.reason));
}

// down_msg: the authoritative notice of a child's death.
void on_down(supervisor_actor* self, caf::down_msg& msg) {
  auto& st = self->state;
  auto* c = find_child(self, msg.source);
  if (c == nullptr)
    return; // not a current child instance
  auto addr = c->handle.address();
  auto was = c->status;
  c->last_instance = addr;
  c->handle = caf::actor{}; // drop our strong reference to the dead instance
  if (st.cfg.registry)
    st.cfg.registry->erase(c->spec.name, addr);
  if (st.cfg.on_child_state)
    st.cfg.on_child_state(c->spec.name, false);
  if (st.stopping) {
    c->status = child_status::stopped;
    // Only the child being stopped advances the sequence; the others just die.
    if (was == child_status::stopping)
      stop_next(self);
    return;
  }
  on_child_down(self, *c, std::move(msg.reason));
}

caf::error validate(const supervisor_config& cfg) {
  std::set<std::string> seen;
  for (auto& c : cfg.children) {
    if (c.name.empty())
      return caf::make_error(error_code::config_error, cfg.name,
                             "child without a name");
    if (!seen.insert(c.name).second)
      return caf::make_error(error_code::config_error, cfg.name,
                             "duplicate child name", c.name);
    if (!c.start)
      return caf::make_error(error_code::config_error, cfg.name,
                             "child without a start function", c.name);
  }
  if (cfg.max_restarts < 0 || cfg.period <= caf::timespan{0}
      || cfg.backoff_initial < caf::timespan{0}
      || cfg.backoff_max < cfg.backoff_initial || cfg.backoff_factor < 1.0
      || cfg.backoff_jitter < 0.0)
    return caf::make_error(error_code::config_error, cfg.name,
                           "invalid restart intensity or back-off settings");
  return caf::none;
}

} // namespace

caf::behavior supervisor(supervisor_actor* self, supervisor_config cfg) {
  if (auto err = validate(cfg)) {
    if (cfg.on_escalate)
      cfg.on_escalate("supervisor '" + cfg.name
                      + "': invalid config: " + self->system().render(err));
    self->quit(std::move(err));
    return {};
  }
  auto& st = self->state;
  st.rng.seed(cfg.jitter_seed);
  for (auto& spec : cfg.children) {
    child_entry c;
    c.spec = spec;
    c.next_backoff = cfg.backoff_initial;
    st.children.push_back(std::move(c));
  }
  st.cfg = std::move(cfg);
  st.cfg.children.clear(); // the specs now live in st.children
  self->set_exit_handler([self](caf::exit_msg& msg) { on_exit(self, msg); });
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  self->set_exception_handler(
    [self](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
      auto what = exception_text(eptr);
      auto& c = self->state.cfg;
      if (c.on_escalate)
        c.on_escalate("supervisor '" + c.name + "': unhandled exception: "
                      + what);
      return caf::make_error(error_code::internal, "supervisor exception",
                             c.name, what);
    });
  for (size_t i = 0; i < st.children.size() && !st.stopping; ++i)
    start_child(self, st.children[i]);
  return {
    [self](atom::restart, const std::string& name) {
      if (self->state.stopping)
        return;
      auto* c = find_child(self, name);
      if (c != nullptr && c->status == child_status::restarting)
        start_child(self, *c);
    },
    [self](atom::stop_grace, const std::string& name, uint64_t generation) {
      auto& s = self->state;
      if (!s.stopping || generation != s.stop_generation)
        return; // that child stopped in time
      auto* c = find_child(self, name);
      if (c != nullptr && c->status == child_status::stopping && c->handle)
        self->send_exit(c->handle, caf::exit_reason::kill);
    },
    [self](atom::shutdown) { begin_stop(self, caf::exit_reason::normal); },
    [self](atom::status) {
      std::string out;
      for (auto& c : self->state.children) {
        out += c.spec.name;
        out += ':';
        out += to_string(c.status);
        out += ':';
        out += std::to_string(c.restarts);
        out += '\n';
      }
      return out;
    },
    [self](atom::children) {
      std::vector<caf::actor> out;
      for (auto& c : self->state.children)
        out.push_back(c.handle);
      return out;
    },
    [self](caf::get_atom, const std::string& name) {
      auto* c = find_child(self, name);
      return c != nullptr ? c->handle : caf::actor{};
    },
  };
}

child_spec supervisor_child(supervisor_config cfg, restart_policy policy) {
  // Enough time for the nested supervisor to stop its children one by one.
  caf::timespan total = std::chrono::seconds(1);
  for (auto& c : cfg.children) {
    if (c.shutdown_timeout == caf::timespan::max()
        || total > caf::timespan::max() - c.shutdown_timeout) {
      total = caf::timespan::max();
      break;
    }
    if (c.shutdown_timeout > caf::timespan{0})
      total += c.shutdown_timeout;
  }
  child_spec spec;
  spec.name = cfg.name;
  spec.policy = policy;
  spec.shutdown_timeout = total;
  spec.start = [cfg = std::move(cfg)](caf::actor_system& sys) {
    return sys.spawn(supervisor, cfg);
  };
  return spec;
}

caf::error restart_intensity_error(const std::string& supervisor_name,
                                   const std::string& child_name) {
  return caf::make_error(error_code::internal, std::string{intensity_text},
                         supervisor_name, child_name);
}

bool is_restart_intensity_error(const caf::error& err) {
  if (!err || err.category() != caf::atom("xarb")
      || err.code() != static_cast<uint8_t>(error_code::internal))
    return false;
  auto& ctx = err.context();
  return ctx.size() > 0 && ctx.match_element<std::string>(0)
         && ctx.get_as<std::string>(0) == intensity_text;
}

} // namespace xarb
