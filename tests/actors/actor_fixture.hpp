#pragma once
// Shared fixture for the deterministic actor tests (CAF 0.17.6 test DSL).
// Each test TU defines CAF_SUITE before including this header.
//
// Everything runs on the test coordinator: one thread, messages only move on
// sched.run()/expect, timers only fire on advance_time/trigger_timeouts. So the
// plain event_log below needs no locking. Never use scoped_actor receive or
// the fixture's request() here: request() calls run(), which fires timers.

#include <caf/test/dsl.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/name_registry.hpp"
#include "actors/supervisor.hpp"
#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"

namespace xarb::test {

using namespace std::chrono_literals;

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::xarb>();
    add_error_renderer(*this);
  }
};

/// What the test actors and supervisor callbacks observed, in order.
struct event_log {
  std::vector<std::string> lines;            // "start:a", "down:a", ...
  std::map<std::string, int> starts;         // start() calls per child
  std::vector<std::pair<std::string, int>> restarts; // on_restart(child, n)
  std::vector<caf::error> restart_reasons;   // on_restart reasons
  std::vector<std::string> escalations;      // on_escalate texts
  std::map<std::string, caf::error> exits;   // final reason per watched actor
  std::vector<std::pair<std::string, caf::actor_id>> rebounds; // subscriber
  std::vector<std::string> subscriptions;    // "child#actor_id" seen by workers

  void add(std::string s) {
    lines.push_back(std::move(s));
  }

  /// Lines that start with `prefix`, in order.
  std::vector<std::string> with_prefix(const std::string& prefix) const {
    std::vector<std::string> out;
    for (auto& l : lines)
      if (l.compare(0, prefix.size(), prefix) == 0)
        out.push_back(l);
    return out;
  }

  /// Position of `line` in `lines`, or -1.
  long index_of(const std::string& line) const {
    auto i = std::find(lines.begin(), lines.end(), line);
    return i == lines.end() ? -1 : static_cast<long>(i - lines.begin());
  }
};

// -- test actors (tests only, never in the library) ---------------------------

/// A worker that crashes on demand: crash -> quit(io_error), tick -> throws,
/// shutdown -> exits normally, subscribe -> records "name#id".
inline caf::behavior crashy_worker(caf::event_based_actor* self,
                                   std::string name, event_log* log) {
  return {
    [=](atom::crash) {
      self->quit(caf::make_error(error_code::io_error, "crash requested", name));
    },
    [=](atom::tick) -> caf::result<void> {
      throw std::runtime_error("boom in " + name);
    },
    [=](atom::shutdown) { self->quit(); },
    [=](atom::subscribe) {
      log->subscriptions.push_back(name + "#" + std::to_string(self->id()));
    },
  };
}

/// Like crashy_worker, but traps exits and ignores user_shutdown: only
/// exit_reason::kill (untrappable in CAF) stops it.
inline caf::behavior stubborn_worker(caf::event_based_actor* self,
                                     std::string name, event_log* log) {
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto why = msg.reason == caf::exit_reason::user_shutdown ? "user_shutdown"
                                                             : "other";
    log->add("ignored:" + name + ":" + why);
  });
  return crashy_worker(self, std::move(name), log);
}

/// Watches registry names: records every rebound and subscribes to the new
/// instance, like a pair_trader finding a restarted venue session.
inline caf::behavior subscriber(caf::event_based_actor* self, event_log* log) {
  return {
    [=](atom::rebound, const std::string& name, const caf::strong_actor_ptr& h) {
      log->rebounds.emplace_back(name, h ? h->id() : caf::actor_id{0});
      if (h)
        self->send(caf::actor_cast<caf::actor>(h), atom::subscribe_v);
    },
  };
}

// -- fixture -----------------------------------------------------------------

struct fixture : test_coordinator_fixture<test_config> {
  event_log log;
  name_registry registry;
  std::vector<caf::actor> tracked; // killed at the end of each test

  ~fixture() override {
    // ~actor_system waits for every actor: make sure none is left running.
    for (auto& h : tracked)
      caf::anon_send_exit(h, caf::exit_reason::kill);
    run();
    tracked.clear();
  }

  /// Records the final exit reason of `h` in log.exits[name] and log.lines.
  void watch_exit(const caf::actor& h, const std::string& name) {
    h->attach_functor([this, name](const caf::error& reason) {
      log.exits[name] = reason;
      log.add("exit:" + name);
    });
  }

  enum class kind { crashy, stubborn };

  child_spec worker(std::string name,
                    restart_policy policy = restart_policy::permanent,
                    kind k = kind::crashy,
                    caf::timespan shutdown_timeout = 1s) {
    child_spec spec;
    spec.name = name;
    spec.policy = policy;
    spec.shutdown_timeout = shutdown_timeout;
    spec.start = [this, name, k](caf::actor_system& system) {
      ++log.starts[name];
      log.add("start:" + name);
      auto h = k == kind::crashy ? system.spawn(crashy_worker, name, &log)
                                 : system.spawn(stubborn_worker, name, &log);
      h->attach_functor([this, name](const caf::error& reason) {
        log.exits[name] = reason;
        log.add("down:" + name);
      });
      return h;
    };
    return spec;
  }

  /// A config whose callbacks write into `log` and which uses `registry`.
  supervisor_config config(std::string name, std::vector<child_spec> children) {
    supervisor_config sc;
    sc.name = std::move(name);
    sc.children = std::move(children);
    sc.registry = &registry;
    sc.on_restart = [this](const std::string& child, const caf::error& reason,
                            int count) {
      log.restarts.emplace_back(child, count);
      log.restart_reasons.push_back(reason);
      log.add("restart:" + child + ":" + std::to_string(count));
    };
    sc.on_child_state = [this](const std::string& child, bool up) {
      log.add(std::string{up ? "up:" : "gone:"} + child);
    };
    sc.on_escalate = [this](const std::string& why) {
      log.escalations.push_back(why);
      log.add("escalate");
    };
    return sc;
  }

  /// Spawns a supervisor, records its exit and lets it start its children.
  caf::actor spawn_supervisor(supervisor_config sc) {
    auto name = sc.name;
    auto h = sys.spawn(supervisor, std::move(sc));
    watch_exit(h, name);
    tracked.push_back(h);
    sched.run();
    return h;
  }

  const child_entry& entry(const caf::actor& sup, const std::string& name) {
    // The state of a terminated actor is already destroyed.
    CAF_REQUIRE(is_alive(caf::actor_cast<caf::strong_actor_ptr>(sup)));
    auto& st = deref<supervisor_actor>(sup).state;
    for (auto& c : st.children)
      if (c.spec.name == name)
        return c;
    CAF_FAIL("no child named " << name);
    throw std::logic_error("unreachable");
  }

  caf::actor child(const caf::actor& sup, const std::string& name) {
    return entry(sup, name).handle;
  }

  /// Makes the child crash (io_error) and lets the supervisor react.
  void crash(const caf::actor& sup, const std::string& name) {
    auto h = child(sup, name);
    CAF_REQUIRE(static_cast<bool>(h));
    caf::anon_send(h, atom::crash_v);
    sched.run();
  }

  /// Advances the clock by `d` and runs whatever became due.
  void advance(caf::timespan d) {
    advance_time(d);
    sched.run();
  }
};

inline bool is_xarb_error(const caf::error& e, error_code code) {
  return e.category() == caf::atom("xarb")
         && e.code() == static_cast<uint8_t>(code);
}

} // namespace xarb::test
