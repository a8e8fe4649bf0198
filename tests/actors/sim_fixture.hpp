#pragma once
// The fixture of the actor tests that trade: simulated venue sessions and
// pair traders on the deterministic test coordinator, with a simulated wall
// clock that moves together with the actor clock (step()).

#include <functional>
#include <string>
#include <vector>

#include "actors/pair_trader.hpp"
#include "actors/venue_session.hpp"
#include "core/risk/rate_limits.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "tests/actors/actor_fixture.hpp"
#include "venues/sim/sim_config.hpp"

namespace xarb::test {

inline constexpr timestamp_ns sim_t0 = 1'800'000'000'000'000'000;

struct sim_fixture : fixture {
  timestamp_ns now = sim_t0;
  status_board board;
  telemetry metrics;
  risk::rate_limit_registry limits;            ///< set svc.limits to use it
  actor_services svc{&registry, &board, &metrics};
  sim::world_config world = sim::default_world_config();

  sim_fixture() {
    world.start_ts = sim_t0;
  }

  ~sim_fixture() override {
    stop_actors();
  }

  /// Actors write into `board`, `metrics` and `limits` (and whatever a
  /// derived fixture owns) until they are gone: derived fixtures call this
  /// in their own destructor, before their members are destroyed.
  void stop_actors() {
    for (auto& h : tracked)
      caf::anon_send_exit(h, caf::exit_reason::kill);
    run();
    tracked.clear();
  }

  std::function<timestamp_ns()> clock() {
    return [this] { return now; };
  }

  /// Frequent, large dislocations on every venue: entries within a minute.
  void dislocate() {
    for (auto& v : world.venues) {
      v.dislocation_per_hour = 900;
      v.dislocation_bps = 45;
    }
  }

  child_spec venue_child(const std::string& venue) {
    venue_session_config vc;
    vc.venue = venue;
    vc.world = world;
    vc.clock = clock();
    child_spec spec;
    spec.name = venue_session_name(venue);
    spec.start = [vc, s = svc](caf::actor_system& system) {
      return caf::actor_cast<caf::actor>(spawn_venue_session(system, vc, s));
    };
    return spec;
  }

  /// A BTC-PERP-like pair between sim-a and sim-b that trades the
  /// dislocations of dislocate(): 10 s window, z 2.5, 2 tranches, closes by
  /// time after 20 s at the latest.
  pair_config active_pair(const std::string& symbol) {
    pair_config pc;
    pc.symbol = symbol;
    pc.venue_a = "sim-a";
    pc.venue_b = "sim-b";
    pc.clock = clock();
    pc.params.signal.window = 40;            // 10 s of 250 ms samples
    pc.params.signal.z_entry = 2.5;
    pc.params.max_tranches = 2;
    pc.params.max_position_notional = money::from_units(4000);
    pc.params.hard_delta_notional = money::from_units(4000);
    pc.params.max_hold_ns = 20'000'000'000;
    return pc;
  }

  caf::actor spawn_pair(const pair_config& pc) {
    auto h = caf::actor_cast<caf::actor>(spawn_pair_trader(sys, pc, svc));
    tracked.push_back(h);
    sched.run();
    return h;
  }

  /// Moves the simulated wall clock and the actor clock together.
  void step(caf::timespan total, caf::timespan tick = std::chrono::milliseconds(5)) {
    for (caf::timespan done{0}; done < total; done += tick) {
      now += tick.count();
      advance_time(tick);
      sched.run();
    }
  }
};

/// A storage sink that only records events (what the pairs' engines say
/// reaches the node through it).
inline storage_sink_actor::behavior_type event_recorder(storage_sink_actor::pointer,
                                                        std::vector<event>* out) {
  return {
    [=](event& e) { out->push_back(std::move(e)); },
    [=](spread_update&) {},
    [=](std::string&, position&) {},
    [=](book_snapshot&) {},
    [=](book_delta&) {},
    [=](market_sample&) {},
    [=](atom::tick) {},
    [=](atom::status) -> caf::result<uint64_t, uint64_t> { return {uint64_t{0}, uint64_t{0}}; },
  };
}

} // namespace xarb::test
