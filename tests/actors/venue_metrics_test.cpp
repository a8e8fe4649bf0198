// What a venue session reports about itself (issue 6): session starts,
// resyncs, best levels and order round trips on the status board (the
// figures of /api/venues) and in the xarb_venue_* metric families.
#define CAF_SUITE venue_metrics

#include "tests/actors/sim_fixture.hpp"

#include <cmath>

#include "actors/venue_session.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/sim/sim_config.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

struct order_log {
  std::vector<order_ack> acks;
  std::vector<order_reject> rejects;
  std::vector<order_fill> fills;
  std::vector<order_cancelled> cancels;
};

caf::behavior order_recorder(caf::event_based_actor*, order_log* out) {
  return {
    [=](order_ack& x) { out->acks.push_back(x); },
    [=](order_reject& x) { out->rejects.push_back(x); },
    [=](order_fill& x) { out->fills.push_back(x); },
    [=](order_cancelled& x) { out->cancels.push_back(x); },
  };
}

double value(prometheus::Counter* c) {
  return c->Value();
}

struct venue_metrics_fixture : sim_fixture {
  /// Every read of the session's clock moves it 1 us on: the time between
  /// an order reaching the session and its answer is then measurable (and
  /// deterministic) on the frozen test clock.
  timestamp_ns drift = 0;

  caf::actor spawn_venues(std::vector<std::string> names) {
    std::vector<child_spec> children;
    for (auto& n : names)
      children.push_back(venue_child(n));
    auto sc = config("venues", std::move(children));
    sc.backoff_initial = 100ms;
    return spawn_supervisor(std::move(sc));
  }

  caf::actor session(const std::string& venue) {
    return caf::actor_cast<caf::actor>(registry.get(venue_session_name(venue)));
  }

  caf::actor spawn_drifting_session() {
    venue_session_config vc;
    vc.venue = "sim-a";
    vc.world = world;
    vc.clock = [this] { return now + (drift += 1000); };
    auto h = caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc));
    tracked.push_back(h);
    sched.run();
    return h;
  }

  venue_status venue(const std::string& name) {
    auto v = board.venue(name);
    CAF_REQUIRE(v.has_value());
    return *v;
  }

  double dropped(venue_metrics& vm, md_drop_reason r) {
    return vm.dropped[static_cast<std::size_t>(r)]->Value();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_metrics_tests, venue_metrics_fixture)

CAF_TEST(sessions and best levels reach the board and the metrics) {
  spawn_venues({"sim-a", "sim-b"});
  step(2s);
  auto vm = metrics.venue("sim-a");
  auto v = venue("sim-a");
  CAF_CHECK_EQUAL(v.sessions, 1u);
  CAF_CHECK_EQUAL(value(vm.sessions), 1.0);
  CAF_CHECK_EQUAL(v.resyncs, 0u);
  CAF_REQUIRE_GREATER_OR_EQUAL(v.books.size(), 5u);
  for (auto& b : v.books) {
    CAF_MESSAGE(b.symbol);
    CAF_CHECK(b.synced);
    CAF_CHECK(b.bid.qty.is_positive() && b.ask.qty.is_positive());
    CAF_CHECK(b.bid.px.is_positive());
    CAF_CHECK(b.bid.px < b.ask.px);
    // The board's top is at most the status interval (100 ms) behind.
    CAF_CHECK_LESS_OR_EQUAL(now - b.last_update_ns, 100'000'000);
  }
  // Applied frames are counted; a clean stream drops nothing.
  const auto updates = value(vm.book_updates);
  CAF_CHECK_GREATER(updates, 100.0);
  for (auto* c : vm.dropped)
    CAF_CHECK_EQUAL(c->Value(), 0.0);
  step(1s);
  CAF_CHECK_GREATER(value(vm.book_updates), updates);

  // A restarted session counts again: reconnects = sessions - 1.
  caf::anon_send(session("sim-a"), atom::crash_v);
  sched.run();
  step(1s);
  CAF_REQUIRE(session("sim-a") != nullptr);
  CAF_CHECK_EQUAL(venue("sim-a").sessions, 2u);
  CAF_CHECK_EQUAL(value(vm.sessions), 2.0);
  CAF_CHECK_EQUAL(venue("sim-b").sessions, 1u);
  CAF_CHECK(board.all_books_synced());
  // The same handles: a second lookup finds the same series.
  CAF_CHECK_EQUAL(metrics.venue("sim-a").sessions, vm.sessions);
}

CAF_TEST(resyncs after sequence gaps are counted once each with their reason) {
  for (auto& v : world.venues)
    if (v.name == "sim-a")
      v.gap_probability = 0.05;
  spawn_venues({"sim-a", "sim-b"});
  step(3s);
  auto vm = metrics.venue("sim-a");
  const auto resyncs = venue("sim-a").resyncs;
  CAF_CHECK_GREATER(resyncs, 0u);
  CAF_CHECK_EQUAL(value(vm.resyncs), static_cast<double>(resyncs));
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-a").Value(), static_cast<double>(resyncs));
  // Each gap is one dropped delta and one resync (no rate limiter here, so
  // no resync is deferred; the REST check is not due within 3 s).
  CAF_CHECK_EQUAL(dropped(vm, md_drop_reason::sequence_gap), static_cast<double>(resyncs));
  CAF_CHECK_EQUAL(dropped(vm, md_drop_reason::crossed_book), 0.0);
  CAF_CHECK_EQUAL(dropped(vm, md_drop_reason::malformed), 0.0);
  CAF_CHECK_EQUAL(dropped(vm, md_drop_reason::unknown_symbol), 0.0);
  auto other = metrics.venue("sim-b");
  CAF_CHECK_EQUAL(venue("sim-b").resyncs, 0u);
  CAF_CHECK_EQUAL(value(other.resyncs), 0.0);
  CAF_CHECK_EQUAL(dropped(other, md_drop_reason::sequence_gap), 0.0);
  CAF_CHECK(board.all_books_synced());
  // Each resync is an event on the board's log (/api/events), from sim-a only.
  uint64_t resync_events = 0;
  for (const auto& e : board.events(0, status_board::log_capacity)) {
    CAF_CHECK_EQUAL(e.item.source, "venue/sim-a");
    if (e.item.text.find("-> resync #") != std::string::npos
        && e.item.sev == severity::warning)
      ++resync_events;
  }
  CAF_CHECK_EQUAL(resync_events, resyncs);
}

CAF_TEST(order round trips and outcomes reach the board and the metrics) {
  auto s = spawn_drifting_session();
  step(1s);
  auto vm = metrics.venue("sim-a");
  auto v = venue("sim-a");
  CAF_CHECK_EQUAL(v.latency_samples, 0u);
  order_log out;
  auto rec = sys.spawn(order_recorder, &out);
  tracked.push_back(rec);

  // A market IOC: acknowledged and filled at once (taker).
  order_intent o;
  o.client_id = "m-1";
  o.venue = "sim-a";
  o.symbol = "BTC-PERP";
  o.sd = side::buy;
  o.type = order_type::market;
  o.tif = time_in_force::ioc;
  o.qty = quantity::from_raw(10'000'000); // 0.01 BTC
  o.ts = now;
  caf::send_as(rec, s, o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.acks.size(), 1u);
  CAF_REQUIRE(!out.fills.empty());
  v = venue("sim-a");
  CAF_CHECK_EQUAL(v.latency_samples, 1u);
  // A few clock reads (1 us each) between the intent and its ack.
  CAF_CHECK_GREATER(v.last_latency_ms, 0.0);
  CAF_CHECK_LESS(v.last_latency_ms, 1.0);
  CAF_CHECK_EQUAL(v.latency_ms, v.last_latency_ms);
  auto h = vm.order_latency->Collect().histogram;
  CAF_CHECK_EQUAL(h.sample_count, 1u);
  CAF_CHECK_LESS(std::abs(h.sample_sum - v.last_latency_ms / 1e3), 1e-12);
  CAF_CHECK_EQUAL(value(vm.orders[0]), 1.0); // accepted
  CAF_CHECK_EQUAL(value(vm.orders[3]), 1.0); // filled
  CAF_CHECK_EQUAL(value(vm.fills[static_cast<std::size_t>(liquidity::taker)]),
                  static_cast<double>(out.fills.size()));
  CAF_CHECK_EQUAL(value(vm.fills[static_cast<std::size_t>(liquidity::maker)]), 0.0);

  // A bad lot: rejected; the reject ends the round trip.
  o.client_id = "m-2";
  o.qty = quantity::from_raw(1);
  caf::send_as(rec, s, o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.rejects.size(), 1u);
  CAF_CHECK_EQUAL(value(vm.orders[1]), 1.0); // rejected
  CAF_CHECK_EQUAL(venue("sim-a").latency_samples, 2u);

  // A post-only bid far below the market rests; its cancel is counted but
  // is not a round trip of its own.
  book_status top;
  for (auto& b : venue("sim-a").books)
    if (b.symbol == "BTC-PERP")
      top = b;
  CAF_REQUIRE(top.bid.px.is_positive());
  o.client_id = "m-3";
  o.type = order_type::limit;
  o.tif = time_in_force::post_only;
  o.qty = quantity::from_raw(10'000'000);
  o.px = price::from_units(static_cast<int32_t>(top.bid.px.raw() / 1'000'000'000 * 9 / 10));
  caf::send_as(rec, s, o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.acks.size(), 2u);
  caf::send_as(rec, s, cancel_request{"m-3", "sim-a", "BTC-PERP", now});
  sched.run();
  CAF_REQUIRE_EQUAL(out.cancels.size(), 1u);
  CAF_CHECK_EQUAL(value(vm.orders[2]), 1.0); // cancelled
  CAF_CHECK_EQUAL(value(vm.orders[0]), 2.0); // accepted
  v = venue("sim-a");
  CAF_CHECK_EQUAL(v.latency_samples, 3u);
  CAF_CHECK_EQUAL(vm.order_latency->Collect().histogram.sample_count, 3u);
  // Each round trip took a few clock reads (us): all three are below 1 ms.
  auto buckets = vm.order_latency->Collect().histogram.bucket;
  for (auto& b : buckets)
    if (b.upper_bound >= 1e-3)
      CAF_CHECK_EQUAL(b.cumulative_count, 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()
