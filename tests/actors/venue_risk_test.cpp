// The venue session's risk duties on the deterministic test coordinator with
// a simulated wall clock: REST-vs-WS consistency (a silently corrupted book
// is found, resynced and reported), WS liveness (a stalled stream), and the
// venue's rate limit answers reaching the shared limiter and the risk guard.
#define CAF_SUITE venue_risk

#include "tests/actors/actor_fixture.hpp"

#include "actors/venue_session.hpp"
#include "core/risk/rate_limits.hpp"
#include "messages/risk.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/sim/sim_config.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

constexpr timestamp_ns t0 = 1'800'000'000'000'000'000;
constexpr int64_t ms_ns = 1'000'000;

/// Stands in for the risk guard: records every venue_alert.
caf::behavior guard_recorder(caf::event_based_actor*, std::vector<venue_alert>* out) {
  return {
    [=](venue_alert& a) { out->push_back(a); },
  };
}

struct order_log {
  std::vector<order_ack> acks;
  std::vector<order_reject> rejects;
  std::size_t other = 0;
};

caf::behavior order_recorder(caf::event_based_actor*, order_log* out) {
  return {
    [=](order_ack& x) { out->acks.push_back(x); },
    [=](order_reject& x) { out->rejects.push_back(x); },
    [=](order_fill&) { ++out->other; },
    [=](order_cancelled&) { ++out->other; },
  };
}

struct venue_risk_fixture : fixture {
  timestamp_ns now = t0;
  status_board board;
  telemetry metrics;
  risk::rate_limit_registry limits;
  actor_services svc{&registry, &board, &metrics, &limits};
  sim::world_config world = sim::default_world_config();
  sim::venue* venue = nullptr; // the session's simulated exchange (venue_hook)
  std::vector<venue_alert> alerts;
  caf::actor session;

  venue_risk_fixture() {
    world.start_ts = t0;
    auto guard = sys.spawn(guard_recorder, &alerts);
    tracked.push_back(guard);
    registry.put("risk_guard", caf::actor_cast<caf::strong_actor_ptr>(guard));
  }

  ~venue_risk_fixture() override {
    // The session writes into board/metrics/limits until it is gone.
    for (auto& h : tracked)
      caf::anon_send_exit(h, caf::exit_reason::kill);
    run();
    tracked.clear();
  }

  venue_session_config config() {
    venue_session_config vc;
    vc.venue = "sim-a";
    vc.world = world;
    vc.clock = [this] { return now; };
    vc.venue_hook = [this](sim::venue& v) { venue = &v; };
    return vc;
  }

  void spawn(const venue_session_config& vc) {
    session = caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc));
    tracked.push_back(session);
    sched.run();
    CAF_REQUIRE(venue != nullptr);
  }

  /// Moves the simulated wall clock and the actor clock together.
  void step(caf::timespan total, caf::timespan tick = 5ms) {
    for (caf::timespan done{0}; done < total; done += tick) {
      now += tick.count();
      advance_time(tick);
      sched.run();
    }
  }

  std::vector<venue_alert> of_kind(venue_alert_kind k) const {
    std::vector<venue_alert> out;
    for (auto& a : alerts)
      if (a.kind == k)
        out.push_back(a);
    return out;
  }

  long index_of(venue_alert_kind k) const {
    for (std::size_t i = 0; i < alerts.size(); ++i)
      if (alerts[i].kind == k)
        return static_cast<long>(i);
    return -1;
  }

  health_state venue_state() const {
    auto v = board.venue("sim-a");
    CAF_REQUIRE(v.has_value());
    return v->state;
  }

  std::string venue_detail() const {
    auto v = board.venue("sim-a");
    CAF_REQUIRE(v.has_value());
    return v->detail;
  }

  bool book_synced(const std::string& symbol) const {
    auto v = board.venue("sim-a");
    CAF_REQUIRE(v.has_value());
    for (auto& b : v->books)
      if (b.symbol == symbol)
        return b.synced;
    CAF_FAIL("no book " << symbol);
    return false;
  }

  order_intent market_buy(const std::string& id) const {
    order_intent o;
    o.client_id = id;
    o.venue = "sim-a";
    o.symbol = "BTC-PERP";
    o.sd = side::buy;
    o.type = order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = quantity::from_raw(1'000'000); // 0.001 BTC
    o.ts = now;
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_risk_tests, venue_risk_fixture)

CAF_TEST(a silently corrupted book is found against REST then resynced and reported) {
  auto vc = config();
  vc.consistency_interval_ns = 5 * ms_ns; // every tick
  // Every check is a REST snapshot and takes its weight: allow them all.
  vc.rate_limits.weight_per_min = 10'000'000;
  vc.rate_limits.weight_burst = 10'000'000;
  spawn(vc);
  step(1s);
  CAF_REQUIRE(board.all_books_synced());
  // A healthy stream: hundreds of checks, no alert, nothing counted.
  CAF_CHECK(alerts.empty());
  CAF_CHECK_EQUAL(metrics.book_consistency_failures("sim-a", "BTC-PERP").Value(), 0.0);
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-a").Value(), 0.0);
  venue->corrupt_next("BTC-PERP");
  step(1s);
  CAF_CHECK_EQUAL(venue->corrupted(), 1u);
  for (auto& a : alerts)
    CAF_MESSAGE("alert " << to_string(a.kind) << " " << a.symbol << " " << a.detail);
  auto failed = of_kind(venue_alert_kind::consistency_failed);
  CAF_REQUIRE_EQUAL(failed.size(), 1u);
  CAF_CHECK_EQUAL(failed[0].venue, "sim-a");
  CAF_CHECK_EQUAL(failed[0].symbol, "BTC-PERP");
  CAF_MESSAGE("detail: " << failed[0].detail);
  CAF_CHECK(failed[0].detail.find(" level ") != std::string::npos);
  CAF_CHECK(failed[0].detail.find("stream ") != std::string::npos);
  CAF_CHECK_EQUAL(metrics.book_consistency_failures("sim-a", "BTC-PERP").Value(), 1.0);
  CAF_CHECK_EQUAL(metrics.book_consistency_failures("sim-a", "ETH-PERP").Value(), 0.0);
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-a").Value(), 1.0); // that book, once
  // The resynced book matches again: consistency_ok, after the failure.
  auto ok = of_kind(venue_alert_kind::consistency_ok);
  CAF_REQUIRE_EQUAL(ok.size(), 1u);
  CAF_CHECK_EQUAL(ok[0].symbol, "BTC-PERP");
  CAF_CHECK_GREATER(index_of(venue_alert_kind::consistency_ok),
                    index_of(venue_alert_kind::consistency_failed));
  CAF_CHECK_EQUAL(alerts.size(), 2u);
  CAF_CHECK(board.all_books_synced());
  CAF_CHECK_EQUAL(venue_state(), health_state::ready);
}

CAF_TEST(a stalled stream raises liveness_lost once and degrades until the next frame) {
  auto vc = config();
  vc.liveness_ns = 1'000 * ms_ns;
  spawn(vc);
  step(1s);
  CAF_REQUIRE_EQUAL(venue_state(), health_state::ready);
  CAF_CHECK(alerts.empty());
  venue->set_stalled(true);
  step(900ms);
  CAF_CHECK(alerts.empty()); // within the budget
  step(300ms);
  auto lost = of_kind(venue_alert_kind::liveness_lost);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0].venue, "sim-a");
  CAF_CHECK(lost[0].symbol.empty());
  CAF_CHECK_EQUAL(venue_state(), health_state::degraded);
  const auto detail = venue_detail();
  CAF_CHECK(detail.find("no market data for more than 1000 ms") != std::string::npos);
  step(2s);
  CAF_CHECK_EQUAL(of_kind(venue_alert_kind::liveness_lost).size(), 1u); // once
  CAF_CHECK(of_kind(venue_alert_kind::liveness_ok).empty());
  venue->set_stalled(false);
  step(50ms);
  CAF_CHECK_EQUAL(of_kind(venue_alert_kind::liveness_ok).size(), 1u);
  CAF_CHECK_EQUAL(alerts.size(), 2u);
  CAF_CHECK_EQUAL(venue_state(), health_state::ready);
  CAF_CHECK_EQUAL(venue_detail(), "");
}

CAF_TEST(venue 429 and 418 answers back off the shared limiter and reach the guard) {
  for (auto& v : world.venues)
    if (v.name == "sim-a") {
      v.rate_limit_orders_per_s = 5;
      v.ban_after_429 = 2;
      v.ban_s = 60;
    }
  auto vc = config();
  vc.consistency_interval_ns = 0;
  vc.key_id = "main";
  spawn(vc);
  step(1s);
  auto limiter = limits.find("sim-a");
  CAF_REQUIRE(limiter != nullptr);
  CAF_CHECK_EQUAL(limiter->snapshot(now).key_id, "main");
  order_log out;
  auto rec = sys.spawn(order_recorder, &out);
  tracked.push_back(rec);
  // Six orders in one instant against a venue limit of 5 per second.
  for (int k = 0; k < 6; ++k)
    caf::send_as(rec, session, market_buy("r-" + std::to_string(k)));
  sched.run();
  CAF_CHECK_EQUAL(out.acks.size(), 5u);
  CAF_REQUIRE_EQUAL(out.rejects.size(), 1u);
  CAF_CHECK_EQUAL(out.rejects[0].client_id, "r-5");
  CAF_CHECK_EQUAL(out.rejects[0].code, error_code::rate_limited);
  CAF_CHECK_EQUAL(out.rejects[0].reason.rfind("HTTP 429", 0), 0u);
  auto limited = of_kind(venue_alert_kind::rate_limited);
  CAF_REQUIRE_EQUAL(limited.size(), 1u);
  CAF_CHECK(limited[0].detail.find("HTTP 429") != std::string::npos);
  auto snap = limiter->snapshot(now);
  CAF_CHECK_EQUAL(snap.http_429, 1u);
  CAF_CHECK(snap.backing_off);
  CAF_CHECK(!snap.stopped);

  // While the key backs off a REST resync is refused: the book stays
  // unsynced and is resynced at the limiter's retry time.
  caf::anon_send(session, atom::resync_v, std::string{"ETH-PERP"});
  sched.run();
  CAF_CHECK(!book_synced("ETH-PERP"));
  CAF_CHECK_EQUAL(metrics.book_resyncs_deferred("sim-a").Value(), 1.0);
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-a").Value(), 0.0);
  step(500ms);
  CAF_CHECK(!book_synced("ETH-PERP"));
  CAF_CHECK_EQUAL(metrics.book_resyncs_deferred("sim-a").Value(), 1.0); // waits, no retries
  step(1s);
  CAF_CHECK(book_synced("ETH-PERP"));
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-a").Value(), 1.0);
  CAF_CHECK(board.all_books_synced());

  // A second 429 within 60 s makes the venue ban the key: 418 from then on.
  for (int k = 0; k < 6; ++k)
    caf::send_as(rec, session, market_buy("s-" + std::to_string(k)));
  sched.run();
  CAF_CHECK_EQUAL(out.acks.size(), 10u);
  CAF_REQUIRE_EQUAL(out.rejects.size(), 2u);
  CAF_CHECK_EQUAL(out.rejects[1].reason.rfind("HTTP 429", 0), 0u);
  CAF_CHECK_EQUAL(of_kind(venue_alert_kind::rate_limited).size(), 2u);
  caf::send_as(rec, session, market_buy("t-0"));
  sched.run();
  CAF_REQUIRE_EQUAL(out.rejects.size(), 3u);
  CAF_CHECK_EQUAL(out.rejects[2].reason.rfind("HTTP 418 banned until", 0), 0u);
  auto banned = of_kind(venue_alert_kind::banned);
  CAF_REQUIRE_EQUAL(banned.size(), 1u);
  CAF_CHECK(banned[0].detail.find("HTTP 418") != std::string::npos);
  snap = limiter->snapshot(now);
  CAF_CHECK_EQUAL(snap.http_429, 2u);
  CAF_CHECK_EQUAL(snap.http_418, 1u);
  CAF_CHECK(snap.stopped);
}

CAF_TEST(a rate limited cancel keeps routing the open order to its owner) {
  for (auto& v : world.venues)
    if (v.name == "sim-a")
      v.rate_limit_orders_per_s = 1;
  auto vc = config();
  vc.consistency_interval_ns = 0;
  spawn(vc);
  step(1s);
  order_log out;
  auto rec = sys.spawn(order_recorder, &out);
  tracked.push_back(rec);
  // A resting buy far below the market, then a cancel over the limit.
  auto book = venue->snapshot("BTC-PERP");
  auto o = market_buy("rest-1");
  o.type = order_type::limit;
  o.tif = time_in_force::gtc;
  o.px = book.bids.at(10).px;
  caf::send_as(rec, session, o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.acks.size(), 1u);
  caf::send_as(rec, session, cancel_request{"rest-1", "sim-a", "BTC-PERP", now});
  sched.run();
  CAF_REQUIRE_EQUAL(out.rejects.size(), 1u);
  CAF_CHECK_EQUAL(out.rejects[0].code, error_code::rate_limited);
  CAF_CHECK_EQUAL(venue->open_orders("BTC-PERP").size(), 1u);
  // The owner still hears about the order: the market falls through it and
  // the maker fill (with the market data) reaches the owner.
  venue->set_basis("BTC-PERP", -100, 0);
  step(1s);
  CAF_CHECK(venue->open_orders("BTC-PERP").empty());
  CAF_CHECK_GREATER_OR_EQUAL(out.other, 1u); // order_fill
}

CAF_TEST_FIXTURE_SCOPE_END()
