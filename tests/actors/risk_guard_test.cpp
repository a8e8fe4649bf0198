// risk_guard + pair_trader + venue sessions under supervision, on the
// deterministic test coordinator with a simulated wall clock: no entry
// without a permit, permits and reports flowing, the kill switch (halt all,
// flatten all, resume) through the actors, a restarted guard keeping its
// kill state, venue alerts and failing closed.
#define CAF_SUITE risk_guard

#include "tests/actors/sim_fixture.hpp"

#include "actors/pair_trader.hpp"
#include "actors/risk_guard.hpp"
#include "actors/venue_session.hpp"
#include "venues/sim/sim_venue.hpp"
#include "core/risk/rate_limits.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/sim/sim_config.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

/// Below one lot of the coarser simulated venue: "flat" / "hedged".
const quantity lot = quantity::from_raw(10'000'000);

struct risk_fixture : sim_fixture {
  std::shared_ptr<risk_guard_store> store = std::make_shared<risk_guard_store>();
  risk::risk_config risk_cfg;

  risk_fixture() {
    svc.limits = &limits;
    dislocate();
  }

  ~risk_fixture() override {
    stop_actors();
  }

  child_spec guard_child() {
    risk_guard_config gc;
    gc.risk = risk_cfg;
    gc.venues = {"sim-a", "sim-b"};
    gc.clock = clock();
    child_spec spec;
    spec.name = risk_guard_name;
    spec.start = [gc, s = svc, st = store](caf::actor_system& system) {
      return caf::actor_cast<caf::actor>(spawn_risk_guard(system, gc, s, st));
    };
    return spec;
  }

  pair_config pair(const std::string& symbol) {
    auto pc = active_pair(symbol);
    pc.require_permit = true;
    return pc;
  }

  void spawn_venues() {
    auto sc = config("venues", {venue_child("sim-a"), venue_child("sim-b")});
    sc.backoff_initial = 100ms;
    spawn_supervisor(std::move(sc));
  }

  void spawn_guard() {
    auto sc = config("risk", {guard_child()});
    sc.backoff_initial = 100ms;
    spawn_supervisor(std::move(sc));
  }

  caf::actor guard() {
    return caf::actor_cast<caf::actor>(registry.get(risk_guard_name));
  }

  risk::risk_snapshot snapshot() {
    std::lock_guard lock{store->mtx};
    return store->book->snapshot(now);
  }

  pair_risk_report last_report(const std::string& id) {
    std::lock_guard lock{store->mtx};
    const auto* r = store->book->last_report(id);
    return r ? *r : pair_risk_report{};
  }

  /// Steps in 1 s increments until the pair sent an order after `orders`.
  bool trades_again(const std::string& id, uint64_t orders, caf::timespan limit) {
    for (caf::timespan t{0}; t < limit; t += 1s) {
      step(1s);
      if (last_report(id).orders > orders)
        return true;
    }
    return false;
  }

  trade_state pair_state(const std::string& id) {
    for (auto& p : snapshot().pairs)
      if (p.pair_id == id)
        return p.state;
    return trade_state::active;
  }

  /// Steps in 1 s increments until the pair holds a position (or gives up).
  bool wait_for_position(const std::string& id, caf::timespan limit) {
    for (caf::timespan t{0}; t < limit; t += 1s) {
      step(1s);
      auto p = board.pair(id);
      if (p && p->qty_a.abs() >= lot && p->net_delta.abs() < lot)
        return true;
    }
    return false;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_guard_tests, risk_fixture)

CAF_TEST(a pair trader opens nothing until the risk guard grants it a permit) {
  spawn_venues();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  // A minute of dislocations without a guard: never a position.
  for (int s = 0; s < 60; ++s) {
    step(1s);
    auto p = board.pair(pair_id(pc));
    CAF_REQUIRE(p.has_value());
    CAF_CHECK(p->qty_a.is_zero());
    CAF_CHECK(p->qty_b.is_zero());
  }
  spawn_guard();
  step(1s);
  auto r = last_report(pair_id(pc));
  CAF_CHECK_EQUAL(r.pair_id, pair_id(pc));
  CAF_CHECK(r.permit_version >= 1);
  const auto snap = snapshot();
  CAF_REQUIRE_EQUAL(snap.pairs.size(), 1u);
  CAF_CHECK_EQUAL(snap.pairs[0].state, trade_state::active);
  CAF_CHECK(snap.pairs[0].entries);
  // One tranche (1000) plus 2 % granted on top of the (zero) commitment.
  CAF_CHECK_EQUAL(snap.pairs[0].cap_ab, money::from_units(1020));
  // The status board shows the guard's snapshot.
  const auto json = board.risk();
  CAF_CHECK(json.find("\"state\":\"active\"") != std::string::npos);
  CAF_CHECK(json.find("\"capital\"") != std::string::npos);
  CAF_CHECK(trades_again(pair_id(pc), 0, 120s));
}

CAF_TEST(halt all cancels every order and holds and resume trades again without a restart) {
  spawn_venues();
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  CAF_REQUIRE(wait_for_position(pair_id(pc), 180s));
  caf::anon_send(guard(), atom::halt_v, std::string{"test halt"});
  step(1s);
  CAF_CHECK_EQUAL(snapshot().state, trade_state::halted);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::halted);
  auto r = last_report(pair_id(pc));
  CAF_CHECK_EQUAL(r.working_orders, 0u);
  const auto orders = r.orders;
  const auto held_a = r.qty_a;
  const auto held_b = r.qty_b;
  // Halted: positions held as they are, hedged, no order at all.
  step(30s);
  r = last_report(pair_id(pc));
  CAF_CHECK_EQUAL(r.orders, orders);
  CAF_CHECK_EQUAL(r.qty_a, held_a);
  CAF_CHECK_EQUAL(r.qty_b, held_b);
  CAF_CHECK((r.qty_a + r.qty_b).abs() < lot);
  caf::anon_send(guard(), atom::resume_v);
  step(1s);
  CAF_CHECK_EQUAL(snapshot().state, trade_state::active);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
  CAF_CHECK(trades_again(pair_id(pc), orders, 180s));
  CAF_MESSAGE("orders before the halt " << orders << ", after resume "
                                        << last_report(pair_id(pc)).orders);
}

CAF_TEST(flatten all closes every pair reduce only and stays reducing until resumed) {
  spawn_venues();
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  CAF_REQUIRE(wait_for_position(pair_id(pc), 180s));
  caf::anon_send(guard(), atom::flatten_v, std::string{"test flatten"});
  step(5s);
  auto r = last_report(pair_id(pc));
  CAF_CHECK(r.qty_a.abs() < lot);
  CAF_CHECK(r.qty_b.abs() < lot);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::reducing);
  // No new position while reducing.
  for (int s = 0; s < 30; ++s) {
    step(1s);
    r = last_report(pair_id(pc));
    CAF_CHECK(r.qty_a.abs() < lot);
  }
  caf::anon_send(guard(), atom::resume_v);
  step(1s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
  CAF_CHECK(trades_again(pair_id(pc), r.orders, 180s));
}

CAF_TEST(a restarted risk guard keeps its kill state and its pairs report to it) {
  spawn_venues();
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  step(2s);
  caf::anon_send(guard(), atom::halt_v, std::string{"before the crash"});
  step(1s);
  const auto first = guard();
  caf::anon_send(first, atom::crash_v);
  step(2s);
  const auto second = guard();
  CAF_REQUIRE(second != nullptr);
  CAF_CHECK(second != first);
  CAF_CHECK_EQUAL(snapshot().state, trade_state::halted);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::halted);
  // The pair found the new guard and keeps reporting to it.
  const auto before = last_report(pair_id(pc)).ts;
  step(1s);
  CAF_CHECK(last_report(pair_id(pc)).ts > before);
  caf::anon_send(second, atom::resume_v);
  step(1s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
}

CAF_TEST(a venue ban halts the pairs on that venue until resumed) {
  spawn_venues();
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  step(2s);
  caf::anon_send(guard(), venue_alert{"sim-a", "", venue_alert_kind::banned, "418 test", now});
  step(1s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::halted);
  CAF_CHECK_EQUAL(snapshot().state, trade_state::active); // only the venue's pairs
  caf::anon_send(guard(), atom::resume_v, std::string{"sim-a"});
  step(1s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
}

CAF_TEST(a position the pairs do not know of puts the contract in REDUCING after three audit rounds) {
  // sim-a's exchange, reachable from the test (the coordinator is single threaded).
  sim::venue* exchange = nullptr;
  auto a = venue_child("sim-a");
  {
    venue_session_config vc;
    vc.venue = "sim-a";
    vc.world = world;
    vc.clock = clock();
    vc.venue_hook = [&exchange](sim::venue& v) { exchange = &v; };
    a.start = [vc, s = svc](caf::actor_system& system) {
      return caf::actor_cast<caf::actor>(spawn_venue_session(system, vc, s));
    };
  }
  auto sc = config("venues", {a, venue_child("sim-b")});
  spawn_supervisor(std::move(sc));
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  CAF_REQUIRE(wait_for_position(pair_id(pc), 120s));
  // Trading alone never trips the audit: the books add up.
  step(20s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
  // Somebody else trades 0.05 BTC on the account at sim-a.
  CAF_REQUIRE(exchange != nullptr);
  const auto before = exchange->position_of("BTC-PERP").qty;
  std::vector<sim::event> ignored;
  order_intent o;
  o.client_id = "manual-1";
  o.venue = "sim-a";
  o.symbol = "BTC-PERP";
  o.sd = side::buy;
  o.type = order_type::market;
  o.tif = time_in_force::ioc;
  o.qty = quantity::from_raw(50'000'000);
  exchange->submit(o, now, ignored);
  CAF_REQUIRE_NOT_EQUAL(exchange->position_of("BTC-PERP").qty, before);
  // Two rounds (5 s apart) are not enough: a fill on its way looks the same.
  step(9s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::active);
  step(8s);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::reducing);
  bool found = false;
  for (auto& p : snapshot().pairs)
    if (p.pair_id == pair_id(pc))
      found = p.reason.find("position audit: sim-a holds") != std::string::npos;
  CAF_CHECK(found);
}

CAF_TEST(a malformed report makes the guard fail closed) {
  spawn_venues();
  spawn_guard();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  step(2s);
  pair_risk_report bad;
  bad.venue_a = "sim-a";
  bad.venue_b = "sim-a";
  caf::anon_send(guard(), bad);
  step(1s);
  const auto snap = snapshot();
  CAF_CHECK_EQUAL(snap.state, trade_state::halted);
  CAF_CHECK(snap.reason.find("risk check failed") != std::string::npos);
  CAF_CHECK_EQUAL(pair_state(pair_id(pc)), trade_state::halted);
}

CAF_TEST_FIXTURE_SCOPE_END()
