// Issue 5 end to end: a node restart. A pair trader trades against venue
// sessions whose simulated exchanges persist their order flow (flow_path)
// with a RocksDB store (temp dir) as its journal. Then the pair trader AND
// the venue sessions stop; new ones start on the same store and flow files:
// the exchanges are rebuilt with the same positions, the new pair trader
// restores its journal, reconciles both legs, holds the same position (it
// does not start flat), manages it on, and never reuses a client id.
#define CAF_SUITE recovery

#include "tests/actors/sim_fixture.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/pair_trader.hpp"
#include "actors/recovery.hpp"
#include "actors/storage/store.hpp"
#include "actors/storage_sink.hpp"
#include "actors/venue_session.hpp"
#include "tests/actors/storage/temp_dir.hpp"
#include "venues/sim/flow_log.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {


struct recovery_fixture : sim_fixture {
  storage::test::temp_dir dir;
  std::shared_ptr<storage::store> store;
  std::vector<event> events;
  /// The simulated exchange of each live session (set by venue_hook).
  std::map<std::string, sim::venue*> exchanges;
  std::vector<caf::actor> sessions;

  recovery_fixture() {
    dislocate();
    storage::store_options so;
    so.dir = dir.str() + "/db";
    so.sync_journal = false;
    auto opened = storage::store::open(so);
    CAF_REQUIRE(opened.has_value());
    store = std::move(opened).value();
    svc.store = store.get();
    auto sink = sys.spawn(event_recorder, &events);
    tracked.push_back(caf::actor_cast<caf::actor>(sink));
    registry.put(storage_sink_name, caf::actor_cast<caf::strong_actor_ptr>(sink));
    sched.run();
  }

  ~recovery_fixture() override {
    stop_actors(); // before the store and the temp dir go
  }

  std::string flow_path(const std::string& venue) const {
    return dir.str() + "/flow/" + venue + ".flow";
  }

  /// Venue sessions with persistent exchanges, registered by name.
  void spawn_venues() {
    sessions.clear();
    for (const char* v : {"sim-a", "sim-b"}) {
      venue_session_config vc;
      vc.venue = v;
      vc.world = world;
      vc.clock = clock();
      vc.flow_path = flow_path(v);
      vc.venue_hook = [this, name = std::string{v}](sim::venue& x) { exchanges[name] = &x; };
      auto h = caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc));
      tracked.push_back(h);
      sessions.push_back(h);
      registry.put(venue_session_name(v), caf::actor_cast<caf::strong_actor_ptr>(h));
    }
    sched.run();
  }

  /// Kills an actor as a node dying would, and lets the system clean up.
  void kill(const caf::actor& h) {
    caf::anon_send_exit(h, caf::exit_reason::kill);
    sched.run();
  }

  template <class Pred>
  bool step_until(Pred pred, caf::timespan limit, caf::timespan by = 250ms) {
    for (caf::timespan done{0}; done < limit; done += by) {
      if (pred())
        return true;
      step(by);
    }
    return pred();
  }

  std::size_t count_events(const std::string& part) const {
    std::size_t n = 0;
    for (auto& e : events)
      if (e.text.find(part) != std::string::npos)
        ++n;
    return n;
  }

  /// Every client id submitted to `venue`, in flow order (read-only: the
  /// live session may hold the lock).
  std::vector<std::string> submitted(const std::string& venue) {
    auto flow = sim::flow_log::open_read_only(flow_path(venue), venue);
    CAF_REQUIRE(flow.has_value());
    std::vector<std::string> ids;
    for (const auto& r : (*flow)->records())
      if (r.k == sim::flow_record::kind::submit)
        ids.push_back(r.order.client_id);
    return ids;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(recovery_tests, recovery_fixture)

CAF_TEST(a restarted node rebuilds the exchanges and the pair resumes its position) {
  spawn_venues();
  auto pc = active_pair("BTC-PERP");
  pc.params.max_tranches = 1;
  pc.sole_owner = {true, true}; // the only pair on both venues: positions compared
  const auto id = pair_id(pc);
  auto trader = spawn_pair(pc);
  // The first incarnation reconciles with fresh venues: nothing to find.
  CAF_REQUIRE(step_until([&] { return count_events("reconciled sim-b") == 1; }, 2s, 5ms));
  CAF_CHECK_EQUAL(count_events("reconciled sim-a"), 1u);
  CAF_CHECK_EQUAL(count_events("restored from the journal"), 0u);
  // It trades into a hedged position.
  CAF_REQUIRE(step_until(
    [&] {
      auto p = board.pair(id);
      return p && p->phase == "open" && !p->qty_a.is_zero() && p->net_delta.is_zero();
    },
    90s));
  step(300ms); // fills and payments on the wire arrive
  const auto before = *board.pair(id);
  CAF_REQUIRE(before.phase == "open");
  CAF_REQUIRE(!before.qty_a.is_zero());
  const auto venue_a = exchanges.at("sim-a")->position_of("BTC-PERP");
  const auto venue_b = exchanges.at("sim-b")->position_of("BTC-PERP");
  CAF_CHECK_EQUAL(venue_a.qty, before.qty_a);
  CAF_CHECK_EQUAL(venue_b.qty, before.qty_b);
  const auto submitted_before = submitted("sim-a").size() + submitted("sim-b").size();
  CAF_REQUIRE_GREATER_OR_EQUAL(submitted_before, 2u);
  {
    auto j = load_pair_journal(*store, id);
    CAF_REQUIRE(j.has_value());
    CAF_CHECK_GREATER_OR_EQUAL(j->bookings.size(), 2u);
  }

  // The node dies: pair trader and venue sessions (the flow files and the
  // store stay). Time goes on while it is down.
  kill(trader);
  for (auto& s : sessions)
    kill(s);
  exchanges.clear();
  now += 1'000'000'000; // 1 s later the node is back
  advance_time(1s);
  sched.run();

  // New venue sessions rebuild the exchanges from their flow.
  spawn_venues();
  CAF_REQUIRE_EQUAL(exchanges.size(), 2u);
  CAF_CHECK_EQUAL(exchanges.at("sim-a")->position_of("BTC-PERP").qty, venue_a.qty);
  CAF_CHECK_EQUAL(exchanges.at("sim-b")->position_of("BTC-PERP").qty, venue_b.qty);
  CAF_CHECK_EQUAL(exchanges.at("sim-a")->position_of("BTC-PERP").avg_entry, venue_a.avg_entry);
  CAF_CHECK_EQUAL(exchanges.at("sim-b")->position_of("BTC-PERP").fees, venue_b.fees);

  // A new pair trader on the same store: restored, then reconciled.
  const auto events_before = events.size();
  trader = spawn_pair(pc);
  CAF_REQUIRE(step_until(
    [&] {
      return count_events("reconciled sim-a") == 2 && count_events("reconciled sim-b") == 2;
    },
    3s, 5ms));
  // (The restore's own event is emitted before the trader knows the sink:
  // it is only in the text log.)
  CAF_CHECK_EQUAL(count_events("adopted the recovered position"), 1u);
  CAF_CHECK_EQUAL(count_events("agrees with the venue"), 4u); // both legs, both times
  CAF_CHECK_EQUAL(count_events("REDUCING"), 0u);
  for (std::size_t i = events_before; i < events.size(); ++i)
    CAF_MESSAGE("after restart: " << events[i].text);
  // Its status: the same position, not flat.
  auto after = board.pair(id);
  CAF_REQUIRE(after.has_value());
  CAF_CHECK_EQUAL(after->qty_a, before.qty_a);
  CAF_CHECK_EQUAL(after->qty_b, before.qty_b);
  CAF_CHECK_EQUAL(after->direction, before.direction);
  CAF_CHECK_GREATER_OR_EQUAL(after->tranches, 1u);
  CAF_CHECK_NOT_EQUAL(after->phase, "flat");
  CAF_CHECK_EQUAL(after->round_trips, 0u); // a new incarnation's counters

  // It manages the position on: it is closed (max_hold 20 s at the latest,
  // counted from the first incarnation's entry).
  CAF_REQUIRE(step_until(
    [&] {
      auto p = board.pair(id);
      return p && p->round_trips >= 1 && p->qty_a.is_zero() && p->qty_b.is_zero();
    },
    30s));
  CAF_CHECK(exchanges.at("sim-a")->position_of("BTC-PERP").qty.is_zero());
  CAF_CHECK(exchanges.at("sim-b")->position_of("BTC-PERP").qty.is_zero());

  // Each client id was submitted once across both incarnations, and the
  // second incarnation did submit (its own ids).
  std::set<std::string> ids;
  std::size_t total = 0;
  for (const char* v : {"sim-a", "sim-b"})
    for (const auto& cid : submitted(v)) {
      ++total;
      if (!ids.insert(cid).second)
        CAF_FAIL("client id " << cid << " submitted twice");
    }
  CAF_CHECK_GREATER(total, submitted_before);
  CAF_CHECK_EQUAL(ids.size(), total);
}

CAF_TEST_FIXTURE_SCOPE_END()
