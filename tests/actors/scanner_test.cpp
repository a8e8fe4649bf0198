// The scanner actor on the simulated market (issue 7): the venue sessions'
// market watch, the snapshot over symbols listed on only some venues, a venue
// that goes stale, persistent-opportunity signals, history samples, and
// restarts of the scanner and of a venue session.
#define CAF_SUITE scanner

#include "tests/actors/sim_fixture.hpp"

#include <algorithm>
#include <map>

#include "actors/scanner.hpp"
#include "actors/storage_sink.hpp"
#include "core/scanner/ranking.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/scanner_metrics.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

/// Records what a storage sink would get.
struct sink_log {
  std::vector<market_sample> samples;
  std::vector<event> events;
};

storage_sink_actor::behavior_type sample_recorder(storage_sink_actor::pointer, sink_log* out) {
  return {
    [=](event& e) { out->events.push_back(std::move(e)); },
    [=](spread_update&) {},
    [=](std::string&, position&) {},
    [=](book_snapshot&) {},
    [=](book_delta&) {},
    [=](market_sample& m) { out->samples.push_back(std::move(m)); },
    [=](atom::tick) {},
    [=](atom::status) -> caf::result<uint64_t, uint64_t> { return {uint64_t{0}, uint64_t{0}}; },
  };
}

/// Records market watch batches (a watcher like the scanner).
caf::behavior batch_recorder(caf::event_based_actor*, std::vector<market_watch_batch>* out) {
  return {[=](market_watch_batch& b) { out->push_back(std::move(b)); }};
}

struct scanner_fixture : sim_fixture {
  scan_board scans;
  scanner_metrics sm = make_scanner_metrics(*metrics.registry());
  std::map<std::string, sim::venue*> exchanges; ///< each live session's exchange
  sink_log sunk;

  scanner_fixture() {
    // SOL on sim-a only: never compared. DOGE on sim-a and sim-b only.
    for (auto& v : world.venues) {
      if (v.name != "sim-a")
        v.unlisted.push_back("SOL-PERP");
      if (v.name == "sim-c")
        v.unlisted.push_back("DOGE-PERP");
    }
  }

  ~scanner_fixture() override { stop_actors(); }

  child_spec session(const std::string& venue) {
    venue_session_config vc;
    vc.venue = venue;
    vc.world = world;
    vc.clock = clock();
    vc.venue_hook = [this, venue](sim::venue& x) { exchanges[venue] = &x; };
    child_spec spec;
    spec.name = venue_session_name(venue);
    spec.start = [vc, s = svc](caf::actor_system& system) {
      return caf::actor_cast<caf::actor>(spawn_venue_session(system, vc, s));
    };
    return spec;
  }

  scanner_config scanner_cfg() {
    scanner_config sc;
    sc.venues = {"sim-a", "sim-b", "sim-c"};
    sc.refresh_interval = std::chrono::milliseconds(500);
    sc.history_interval = std::chrono::seconds(1);
    sc.clock = clock();
    return sc;
  }

  /// Venue sessions and the scanner under one supervisor, plus a recording
  /// storage sink registered by name.
  caf::actor start(scanner_config sc) {
    auto sink = sys.spawn(sample_recorder, &sunk);
    tracked.push_back(caf::actor_cast<caf::actor>(sink));
    registry.put(storage_sink_name, caf::actor_cast<caf::strong_actor_ptr>(sink));
    std::vector<child_spec> children{session("sim-a"), session("sim-b"), session("sim-c")};
    child_spec s;
    s.name = scanner_name;
    s.start = [this, sc](caf::actor_system& system) {
      return caf::actor_cast<caf::actor>(spawn_scanner(system, sc, svc, &scans, &sm));
    };
    children.push_back(s);
    auto root = config("root", std::move(children));
    root.backoff_initial = std::chrono::milliseconds(100);
    return spawn_supervisor(std::move(root));
  }

  std::shared_ptr<const scanner::scan_snapshot> snap() {
    auto s = scans.snapshot();
    CAF_REQUIRE(s != nullptr);
    return s;
  }

  const scanner::symbol_quotes* symbol(const scanner::scan_snapshot& s, const std::string& name) {
    for (auto& sq : s.symbols)
      if (sq.symbol == name)
        return &sq;
    return nullptr;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(scanner_tests, scanner_fixture)

CAF_TEST(a venue session sends its whole market then what changed each tick) {
  auto sup = spawn_supervisor(config("venues", {session("sim-a")}));
  step(std::chrono::seconds(1));
  std::vector<market_watch_batch> got;
  auto watcher = sys.spawn(batch_recorder, &got);
  tracked.push_back(watcher);
  auto s = caf::actor_cast<venue_session_actor>(registry.get(venue_session_name("sim-a")));
  caf::anon_send(s, atom::subscribe_v, atom::watch_v, watcher);
  sched.run();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  const auto full = got.front();
  CAF_CHECK(full.full);
  CAF_CHECK_EQUAL(full.venue, "sim-a");
  CAF_CHECK_EQUAL(full.specs.size(), 5u); // sim-a lists all five
  CAF_CHECK_EQUAL(full.tops.size(), 5u);
  CAF_CHECK_EQUAL(full.rates.size(), 5u);
  CAF_CHECK(full.state == health_state::ready);
  for (auto& t : full.tops)
    CAF_CHECK(t.bid.px < t.ask.px);
  step(std::chrono::seconds(1));
  CAF_REQUIRE(got.size() > 20u); // ~one per tick with changes (20 updates/s per symbol)
  std::size_t tops = 0;
  for (std::size_t i = 1; i < got.size(); ++i) {
    CAF_CHECK(!got[i].full);
    CAF_CHECK(got[i].specs.empty());
    tops += got[i].tops.size();
  }
  CAF_CHECK(tops > 20u);
  // A resync: the book is unusable for a moment, watchers are told.
  caf::anon_send(s, atom::resync_v, std::string{"BTC-PERP"});
  sched.run();
  const auto& last = got.back();
  CAF_CHECK(std::find(last.unsynced.begin(), last.unsynced.end(), "BTC-PERP")
            != last.unsynced.end());
  // A watcher that dies is no longer fed.
  const auto before = got.size();
  caf::anon_send_exit(watcher, caf::exit_reason::kill);
  sched.run();
  step(std::chrono::milliseconds(500));
  CAF_CHECK_EQUAL(got.size(), before);
  static_cast<void>(sup);
}

CAF_TEST(the scanner compares only symbols listed on two venues and verifies their units) {
  start(scanner_cfg());
  step(std::chrono::seconds(3));
  auto s = snap();
  // SOL is on sim-a only; DOGE on sim-a and sim-b; PEPE is 1000PEPEUSDT,
  // PEPE-USDT-SWAP (x0.001) and kPEPE: one unit, compared.
  CAF_CHECK_EQUAL(s->symbols.size(), 4u);
  CAF_CHECK(symbol(*s, "SOL-PERP") == nullptr);
  auto* doge = symbol(*s, "DOGE-PERP");
  CAF_REQUIRE(doge != nullptr);
  CAF_CHECK_EQUAL(doge->venues.size(), 2u);
  auto* pepe = symbol(*s, "PEPE-PERP");
  CAF_REQUIRE(pepe != nullptr);
  CAF_CHECK_EQUAL(pepe->venues.size(), 3u);
  CAF_CHECK(scans.problems().empty());
  CAF_CHECK_EQUAL(s->rows.size(), 3u + 3u + 3u + 1u); // BTC, ETH, PEPE x 3 pairs; DOGE x 1
  CAF_CHECK_EQUAL(s->stale_rows, 0u);
  for (auto& row : s->rows) {
    // Same market, same units: a few bps apart, never a unit error.
    CAF_CHECK(std::abs(row.spread_ab_bps) < 100);
    CAF_CHECK(std::abs(row.spread_ba_bps) < 100);
    CAF_CHECK(row.spread_ab_bps + row.spread_ba_bps < 0); // crossing both ways costs
    CAF_CHECK(s->quote_a(row).funding_known);
  }
  auto r = scanner::rank(*s, scanner::rank_query{});
  CAF_CHECK_EQUAL(r.ranked, 10u);
  CAF_CHECK_EQUAL(r.rows.size(), 10u);
  CAF_CHECK(sm.symbols->Value() == 4);
  CAF_CHECK(sm.rows_live->Value() == 10);
  CAF_CHECK(sm.batches->Value() > 100);
  CAF_CHECK(sm.refresh_seconds->Collect().histogram.sample_count >= 5u);
  // History: one sample per compared symbol per second, every venue in it.
  CAF_REQUIRE(sunk.samples.size() >= 8u);
  for (auto& m : sunk.samples) {
    CAF_CHECK(m.symbol != "SOL-PERP");
    CAF_CHECK(m.venues.size() == (m.symbol == "DOGE-PERP" ? 2u : 3u));
  }
}

CAF_TEST(a stalled venue is marked stale and its rows are never ranked) {
  start(scanner_cfg());
  step(std::chrono::seconds(2));
  CAF_REQUIRE(exchanges.count("sim-c") == 1);
  exchanges["sim-c"]->set_stalled(true); // a silent WebSocket stall
  step(std::chrono::seconds(7));
  auto s = snap();
  // Rows with sim-c: BTC, ETH, PEPE x 2 pairs each.
  CAF_CHECK_EQUAL(s->stale_rows, 6u);
  auto r = scanner::rank(*s, scanner::rank_query{});
  CAF_CHECK_EQUAL(r.ranked, 4u);
  CAF_CHECK_EQUAL(r.stale_rows, 6u);
  for (auto& row : r.rows) {
    CAF_CHECK(s->venue_name(s->quote_a(*row.row)) != "sim-c");
    CAF_CHECK(s->venue_name(s->quote_b(*row.row)) != "sim-c");
  }
  for (auto& row : r.stale)
    CAF_CHECK(row.row->stale);
  auto c = std::find_if(s->venues.begin(), s->venues.end(),
                        [](auto& v) { return v.name == "sim-c"; });
  CAF_REQUIRE(c != s->venues.end());
  CAF_CHECK(c->stale);
  CAF_CHECK(sm.venues_stale->Value() == 1);
  CAF_CHECK(sm.rows_stale->Value() == 6);
  // The stall ends: fresh quotes, ranked again.
  exchanges["sim-c"]->set_stalled(false);
  step(std::chrono::seconds(2));
  CAF_CHECK_EQUAL(snap()->stale_rows, 0u);
}

CAF_TEST(a persistent dislocation raises one signal then cools down) {
  auto sc = scanner_cfg();
  sc.signals.threshold_bps = 60;
  sc.signals.samples = 3;
  sc.signals.cooldown_ns = 30'000'000'000;
  start(sc);
  step(std::chrono::seconds(2));
  CAF_CHECK(scans.signals(0, 50).empty());
  // sim-a's BTC 150 bp rich (decaying slowly): sell sim-a, buy the others.
  exchanges["sim-a"]->set_basis("BTC-PERP", 150, 0);
  step(std::chrono::seconds(3));
  auto sig = scans.signals(0, 50);
  CAF_REQUIRE(!sig.empty());
  CAF_CHECK_EQUAL(sig.front().symbol, "BTC-PERP");
  CAF_CHECK_EQUAL(sig.front().sell_venue, "sim-a");
  CAF_CHECK(sig.front().spread_bps >= 60);
  CAF_CHECK_EQUAL(sig.front().samples, 3);
  // One per direction (sim-b and sim-c as buyers), then quiet.
  CAF_CHECK(sig.size() <= 2u);
  const auto n = sig.size();
  step(std::chrono::seconds(5));
  CAF_CHECK_EQUAL(scans.signals(0, 50).size(), n);
  // Each signal is an event: on the board's log and sent to storage.
  std::size_t on_board = 0;
  for (auto& e : board.events(0, 100))
    on_board += e.item.source == "scanner" ? 1 : 0;
  CAF_CHECK_EQUAL(on_board, n);
  std::size_t stored = 0;
  for (auto& e : sunk.events)
    stored += e.source == "scanner" ? 1 : 0;
  CAF_CHECK_EQUAL(stored, n);
  CAF_CHECK(sm.signals->Value() == static_cast<double>(n));
}

CAF_TEST(the scanner survives its own restart and a venue session restart) {
  start(scanner_cfg());
  step(std::chrono::seconds(2));
  auto first = snap();
  CAF_CHECK_EQUAL(first->rows.size(), 10u);
  // The scanner crashes: restarted, it watches every venue again.
  caf::anon_send(caf::actor_cast<caf::actor>(registry.get(scanner_name)), atom::crash_v);
  step(std::chrono::seconds(2));
  auto second = snap();
  CAF_CHECK(second->seq < first->seq); // a new instance counts from 1
  CAF_CHECK_EQUAL(second->rows.size(), 10u);
  CAF_CHECK_EQUAL(second->stale_rows, 0u);
  // sim-b's session crashes: its replacement is watched (full batch again).
  caf::anon_send(caf::actor_cast<caf::actor>(registry.get(venue_session_name("sim-b"))),
                 atom::crash_v);
  step(std::chrono::seconds(2));
  auto third = snap();
  CAF_CHECK_EQUAL(third->rows.size(), 10u);
  CAF_CHECK_EQUAL(third->stale_rows, 0u);
  for (auto& v : third->venues)
    CAF_CHECK(v.state == health_state::ready);
}

CAF_TEST_FIXTURE_SCOPE_END()
