// venue_session + pair_trader under real supervision, on the deterministic
// test coordinator with a simulated wall clock: live spreads, a restarted
// venue session found again by its subscribers, resync after sequence gaps,
// and order routing to the simulated matching engine.
#define CAF_SUITE trading_actors

#include "tests/actors/sim_fixture.hpp"

#include "actors/pair_trader.hpp"
#include "actors/venue_session.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/sim/sim_config.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

constexpr timestamp_ns t0 = sim_t0;

/// Records order results sent by a venue session.
struct order_log {
  std::vector<order_ack> acks;
  std::vector<order_reject> rejects;
  std::vector<order_fill> fills;
  std::vector<order_cancelled> cancels;
};

/// Records what a top-of-book subscriber receives.
struct top_log {
  std::vector<top_of_book> tops;
  std::vector<health_report> health;
  std::size_t other = 0;
};

caf::behavior top_recorder(caf::event_based_actor*, top_log* out) {
  return {
    [=](top_of_book& x) { out->tops.push_back(x); },
    [=](health_report& x) { out->health.push_back(x); },
    [=](book_snapshot&) { ++out->other; },
  };
}

caf::behavior order_recorder(caf::event_based_actor*, order_log* out) {
  return {
    [=](order_ack& x) { out->acks.push_back(x); },
    [=](order_reject& x) { out->rejects.push_back(x); },
    [=](order_fill& x) { out->fills.push_back(x); },
    [=](order_cancelled& x) { out->cancels.push_back(x); },
  };
}

/// Asks a pair trader for a bad and a good mode and keeps the replies.
/// (A named function: CAF 0.17 mishandles capture-only lambdas as spawn
/// functions under UBSan.)
void mode_asker(caf::event_based_actor* self, caf::actor trader, std::string* bad,
                std::string* good) {
  self->request(trader, caf::infinite, atom::mode_v, std::string{"yolo"})
    .then([=](std::string& r) { *bad = r; });
  self->request(trader, caf::infinite, atom::mode_v, std::string{"zero_wear"})
    .then([=](std::string& r) { *good = r; });
}

struct trading_fixture : sim_fixture {
  pair_config pair(const std::string& symbol) {
    pair_config pc;
    pc.symbol = symbol;
    pc.venue_a = "sim-a";
    pc.venue_b = "sim-b";
    pc.params.signal.window = 4;
    pc.clock = clock();
    return pc;
  }

  caf::actor spawn_venues() {
    auto sc = config("venues", {venue_child("sim-a"), venue_child("sim-b")});
    sc.backoff_initial = 100ms;
    return spawn_supervisor(std::move(sc));
  }

  caf::actor session(const std::string& venue) {
    return caf::actor_cast<caf::actor>(registry.get(venue_session_name(venue)));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(trading_actors_tests, trading_fixture)

CAF_TEST(venue sessions sync every book and a pair trader sees a live spread) {
  spawn_venues();
  auto pc = pair("BTC-PERP");
  spawn_pair(pc);
  CAF_CHECK(!board.all_books_synced());
  step(2s);
  CAF_CHECK(board.all_books_synced());
  auto v = board.venue("sim-a");
  CAF_REQUIRE(v.has_value());
  CAF_CHECK_EQUAL(v->state, health_state::ready);
  auto p = board.pair(pair_id(pc));
  CAF_REQUIRE(p.has_value());
  CAF_CHECK(p->valid);
  CAF_CHECK_LESS(now - p->ts, 200'000'000); // recomputed on every update
  // Crossing both ways costs both quoted spreads: the sum is negative.
  CAF_CHECK(p->spread_ab.raw() + p->spread_ba.raw() < 0);
  // Spreads between venues of the same market stay within 1% here.
  CAF_CHECK(p->spread_ab.abs() < ratio::from_raw(10'000'000));
  CAF_CHECK(p->spread_ba.abs() < ratio::from_raw(10'000'000));
  // Enough samples (one per 250 ms) for z-scores.
  step(2s);
  p = board.pair(pair_id(pc));
  CAF_CHECK(p->z_ab != 0.0 || p->z_ba != 0.0);
}

CAF_TEST(a restarted venue session is found again by its pair traders) {
  auto sup = spawn_venues();
  auto pc = pair("ETH-PERP");
  spawn_pair(pc);
  step(1s);
  CAF_REQUIRE(board.pair(pair_id(pc))->valid);
  auto first = session("sim-a");
  CAF_REQUIRE(first != nullptr);
  caf::anon_send(first, atom::crash_v);
  sched.run();
  // The crash is seen by the supervisor and by the pair trader (monitor).
  CAF_CHECK_EQUAL(log.restarts.size(), 1u);
  CAF_CHECK(!board.pair(pair_id(pc))->valid);
  CAF_CHECK(registry.get(venue_session_name("sim-a")) == nullptr);
  // After the back-off a new session is registered, the pair trader
  // resubscribes through the registry and its spread is live again.
  step(100ms);
  auto second = session("sim-a");
  CAF_REQUIRE(second != nullptr);
  CAF_CHECK_NOT_EQUAL(first.id(), second.id());
  step(1s);
  auto p = board.pair(pair_id(pc));
  CAF_CHECK(p->valid);
  CAF_CHECK_LESS(now - p->ts, 200'000'000); // recomputed on every update
  CAF_CHECK(board.all_books_synced());
  auto venue = board.venue("sim-a");
  CAF_REQUIRE(venue.has_value());
  CAF_CHECK_EQUAL(venue->state, health_state::ready);
}

CAF_TEST(sequence gaps make the session resync and stay live) {
  for (auto& v : world.venues)
    if (v.name == "sim-a")
      v.gap_probability = 0.05;
  spawn_venues();
  auto pc = pair("SOL-PERP");
  spawn_pair(pc);
  step(3s);
  auto resyncs = metrics.book_resyncs("sim-a").Value();
  CAF_CHECK_GREATER(resyncs, 0.0);
  CAF_CHECK_EQUAL(metrics.book_resyncs("sim-b").Value(), 0.0);
  CAF_CHECK(board.all_books_synced());
  CAF_CHECK(board.pair(pair_id(pc))->valid);
}

CAF_TEST(top of book subscribers get only changes of the best levels) {
  spawn_venues();
  step(500ms);
  top_log out;
  auto rec = sys.spawn(top_recorder, &out);
  tracked.push_back(rec);
  caf::anon_send(session("sim-b"), atom::subscribe_v, atom::top_v,
                 std::string{"DOGE-PERP"}, rec);
  sched.run();
  // The current top at once, plus the session's health.
  CAF_REQUIRE_EQUAL(out.tops.size(), 1u);
  CAF_REQUIRE(!out.health.empty());
  CAF_CHECK_EQUAL(out.health.back().state, health_state::ready);
  step(2s);
  CAF_CHECK_EQUAL(out.other, 0u); // no depth for top subscribers
  CAF_REQUIRE_GREATER(out.tops.size(), 5u);
  for (std::size_t i = 0; i < out.tops.size(); ++i) {
    auto& t = out.tops[i];
    CAF_CHECK_EQUAL(t.venue, "sim-b");
    CAF_CHECK_EQUAL(t.symbol, "DOGE-PERP");
    CAF_CHECK(t.bid.px < t.ask.px);
    CAF_CHECK(t.bid.qty.is_positive() && t.ask.qty.is_positive());
    if (i > 0) {
      CAF_CHECK(!(t.bid == out.tops[i - 1].bid && t.ask == out.tops[i - 1].ask));
      CAF_CHECK_GREATER_OR_EQUAL(t.seq, out.tops[i - 1].seq);
    }
  }
  // An unknown symbol is answered, not ignored.
  caf::anon_send(session("sim-b"), atom::subscribe_v, atom::top_v,
                 std::string{"NOPE-PERP"}, rec);
  sched.run();
  CAF_CHECK_EQUAL(out.health.back().state, health_state::degraded);
  CAF_CHECK_EQUAL(out.health.back().detail, "unknown symbol NOPE-PERP");
}

CAF_TEST(orders are routed to the venue and results come back) {
  spawn_venues();
  step(1s);
  order_log out;
  auto rec = sys.spawn(order_recorder, &out);
  tracked.push_back(rec);
  order_intent o;
  o.client_id = "t-1";
  o.venue = "sim-a";
  o.symbol = "BTC-PERP";
  o.sd = side::buy;
  o.type = order_type::market;
  o.tif = time_in_force::ioc;
  o.qty = quantity::from_raw(10'000'000); // 0.01 BTC
  o.ts = now;
  // Results go to the sender of the intent; an anonymous order's results
  // have nowhere to go and are dropped without harm.
  caf::anon_send(session("sim-a"), o);
  sched.run();
  CAF_CHECK(out.acks.empty());
  o.client_id = "t-2";
  caf::send_as(rec, session("sim-a"), o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.acks.size(), 1u);
  CAF_CHECK_EQUAL(out.acks[0].client_id, "t-2");
  CAF_REQUIRE(!out.fills.empty());
  quantity filled;
  for (auto& f : out.fills) {
    filled += f.qty;
    CAF_CHECK(f.fee.is_positive()); // taker fee on sim-a
    CAF_CHECK_EQUAL(f.liq, liquidity::taker);
  }
  CAF_CHECK_EQUAL(filled, o.qty);
  // A bad lot is rejected with its code.
  o.client_id = "t-3";
  o.qty = quantity::from_raw(1); // 1e-9 BTC
  caf::send_as(rec, session("sim-a"), o);
  sched.run();
  CAF_REQUIRE_EQUAL(out.rejects.size(), 1u);
  CAF_CHECK_EQUAL(out.rejects[0].code, error_code::bad_lot);
}

CAF_TEST(a pair trader trades dislocations through the venue sessions and stays hedged) {
  dislocate();
  spawn_venues();
  auto pc = active_pair("BTC-PERP");
  auto trader = spawn_pair(pc);
  step(120s);
  auto p = board.pair(pair_id(pc));
  CAF_REQUIRE(p.has_value());
  CAF_MESSAGE("phase " << p->phase << ", round trips " << p->round_trips << ", pnl "
                       << p->net_pnl.to_string() << ", fees " << p->fees.to_string());
  CAF_CHECK(p->round_trips >= 1);
  CAF_CHECK(p->fees.is_positive());
  // Both legs hedged: |qty A + qty B| below one lot of the coarser venue.
  CAF_CHECK(p->net_delta.abs() < quantity::from_raw(10'000'000));
  // Operator controls: a bad mode is refused with a reason, zero_wear taken.
  std::string bad_reply = "none";
  std::string good_reply = "none";
  auto asker = sys.spawn(mode_asker, caf::actor_cast<caf::actor>(trader), &bad_reply,
                         &good_reply);
  tracked.push_back(asker);
  sched.run();
  CAF_CHECK(bad_reply.find("unknown mode") != std::string::npos);
  CAF_CHECK_EQUAL(good_reply, "");
  step(200ms);
  // (Locals: CAF_CHECK_EQUAL on temporaries is a use-after-scope.)
  const auto mode = board.pair(pair_id(pc))->mode;
  CAF_CHECK_EQUAL(mode, "zero_wear");
  // Flatten: everything closed reduce-only, the pair halted.
  caf::anon_send(trader, atom::flatten_v, std::string{"test"});
  step(3s);
  p = board.pair(pair_id(pc));
  CAF_CHECK_EQUAL(p->phase, "halted");
  CAF_CHECK_EQUAL(p->halt_reason, "test");
  CAF_CHECK(p->qty_a.abs() < quantity::from_raw(10'000'000));
  CAF_CHECK(p->qty_b.abs() < quantity::from_raw(10'000'000));
  caf::anon_send(trader, atom::resume_v);
  step(200ms);
  const auto phase = board.pair(pair_id(pc))->phase;
  CAF_CHECK_NOT_EQUAL(phase, "halted");
}

CAF_TEST(with inline decisions the venue sessions run the pair and it still trades hedged) {
  dislocate();
  spawn_venues();
  auto pc = active_pair("SOL-PERP");
  pc.inline_decisions = true;
  const auto decisions_before = metrics.tick_to_decision().Collect().histogram.sample_count;
  spawn_pair(pc);
  step(120s);
  auto p = board.pair(pair_id(pc));
  CAF_REQUIRE(p.has_value());
  CAF_MESSAGE("inline: phase " << p->phase << ", round trips " << p->round_trips << ", pnl "
                               << p->net_pnl.to_string());
  CAF_CHECK(p->round_trips >= 1);
  CAF_CHECK(p->fees.is_positive());
  CAF_CHECK(p->net_delta.abs() < quantity::from_raw(10'000'000));
  // Decisions were taken (and timed) in the sessions: one per book update.
  const auto decisions = metrics.tick_to_decision().Collect().histogram.sample_count;
  CAF_CHECK_GREATER(decisions - decisions_before, 1000u);
  // A restarted venue session gets the hook again from the pair trader.
  caf::anon_send(session("sim-a"), atom::crash_v);
  step(3s);
  const auto after_restart = metrics.tick_to_decision().Collect().histogram.sample_count;
  step(5s);
  CAF_CHECK_GREATER(metrics.tick_to_decision().Collect().histogram.sample_count,
                    after_restart + 50u);
  p = board.pair(pair_id(pc));
  CAF_CHECK(p->valid);
}

CAF_TEST_FIXTURE_SCOPE_END()
