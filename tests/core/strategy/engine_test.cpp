// The pair engine's parts on hand-built books: client ids, the spread
// pricer, the order state machine, and the engine's decisions and hedging
// step by step with exact expected orders.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>

#include "core/strategy/client_ids.hpp"
#include "core/strategy/order_tracker.hpp"
#include "core/strategy/pair_engine.hpp"
#include "core/strategy/spread_pricer.hpp"

using namespace xarb;
using namespace xarb::strategy;

namespace {

price px(const char* s) { return *price::from_string(s); }
quantity qty(const char* s) { return *quantity::from_string(s); }
ratio rt(const char* s) { return *ratio::from_string(s); }

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000 * ms;

/// A book with levels every `step` from a best bid/ask, `n` per side.
book_snapshot make_book(const std::string& venue, const char* bid, const char* ask,
                        const char* level_qty, const char* step = "1", int n = 10,
                        uint64_t seq = 1) {
  book_snapshot s;
  s.venue = venue;
  s.symbol = "BTC-PERP";
  s.seq = seq;
  for (int i = 0; i < n; ++i) {
    s.bids.push_back({px(bid) - px(step) * i, qty(level_qty)});
    s.asks.push_back({px(ask) + px(step) * i, qty(level_qty)});
  }
  return s;
}

instrument_spec spec(const std::string& venue, const char* maker, const char* taker) {
  instrument_spec s;
  s.venue = venue;
  s.native_symbol = "BTCUSDT";
  s.symbol = "BTC-PERP";
  s.base = "BTC";
  s.quote = "USDT";
  s.tick = px("0.1");
  s.lot = qty("0.001");
  s.min_qty = qty("0.001");
  s.min_notional = money::from_units(5);
  s.maker_fee = rt(maker);
  s.taker_fee = rt(taker);
  return s;
}

} // namespace

TEST_SUITE("client_ids") {
  TEST_CASE("ids are deterministic, alphanumeric, short and unique") {
    client_id_generator g("xarb-node-1", "BTC-PERP:sim-a/sim-b", 1'763'000'000'000);
    client_id_generator same("xarb-node-1", "BTC-PERP:sim-a/sim-b", 1'763'000'000'000);
    client_id_generator other_pair("xarb-node-1", "ETH-PERP:sim-a/sim-b", 1'763'000'000'000);
    client_id_generator other_epoch("xarb-node-1", "BTC-PERP:sim-a/sim-b", 1'763'000'000'001);
    std::set<std::string> seen;
    for (uint64_t seq = 1; seq < 5000; ++seq) {
      auto id = g.next();
      CHECK(id == same.id(seq));
      CHECK(id != other_pair.id(seq));
      CHECK(id != other_epoch.id(seq));
      CHECK(id.size() <= 32);
      CHECK(std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c));
      }));
      CHECK(seen.insert(id).second);
    }
    CHECK(g.next_seq() == 5000);
    CHECK(g.id(1).rfind("xarb", 0) == 0);
    CHECK(g.id(1).size() == 24);
  }
}

TEST_SUITE("spread_pricer") {
  TEST_CASE("leg rules convert native units exactly") {
    auto s = spec("okx", "0.0002", "0.0005");
    s.multiplier = rt("0.01"); // 0.01 BTC per contract
    s.lot = qty("1");
    s.min_qty = qty("1");
    s.tick = px("0.001");     // per contract: 0.1 per BTC
    auto r = make_leg_rules(s);
    REQUIRE(r);
    CHECK(r->lot == qty("0.01"));
    CHECK(r->min_qty == qty("0.01"));
    CHECK(r->tick == px("0.1"));
    s.tick = px("0.000000001");
    s.multiplier = rt("0.3");
    CHECK_FALSE(make_leg_rules(s)); // 1e-9 / 0.3 is not a whole nano
  }

  TEST_CASE("min_tradable honours min qty, min notional and the lot") {
    leg_rules r;
    r.lot = qty("0.001");
    r.min_qty = qty("0.001");
    r.min_notional = money::from_units(100);
    CHECK(min_tradable(r, px("65000")) == qty("0.002")); // 100/65000 = 0.00154 -> 0.002
    r.min_notional = money::zero();
    CHECK(min_tradable(r, px("65000")) == qty("0.001"));
    CHECK(common_lot(qty("0.001"), qty("0.01")) == qty("0.01"));
    CHECK(common_lot(qty("0.004"), qty("0.006")) == qty("0.012"));
  }

  TEST_CASE("both directions from depth-weighted prices net of fees") {
    order_book a;
    order_book b;
    REQUIRE(a.apply(make_book("va", "100.0", "100.2", "1")) == error_code::none);
    REQUIRE(b.apply(make_book("vb", "99.0", "99.2", "1")) == error_code::none);
    leg_rules ra = *make_leg_rules(spec("va", "0.0002", "0.0005"));
    leg_rules rb = *make_leg_rules(spec("vb", "-0.0001", "0.0004"));
    // Size 2 walks two levels: sell A at (100.0 + 99.0)/2, buy B at (99.2 + 100.2)/2.
    auto q = price_pair(a, b, qty("2"), ra, rb, leg_pricing{});
    REQUIRE(q.valid);
    CHECK(q.sell_a == px("99.5"));
    CHECK(q.buy_b == px("99.7"));
    CHECK(q.buy_a == px("100.7"));
    CHECK(q.sell_b == px("98.5"));
    CHECK(q.mid == px("99.6"));
    CHECK(q.worst_sell_a == px("99"));
    CHECK(q.worst_buy_b == px("100.2"));
    // Never the mid: gross ab = (99.5 - 99.7) / 99.6.
    CHECK(q.gross_bps[0] == doctest::Approx(-0.2 / 99.6 * 1e4));
    const double fees_ab = 99.5 * 0.0005 + 99.7 * 0.0004;
    CHECK(q.net_bps[0] == doctest::Approx((-0.2 - fees_ab) / 99.6 * 1e4));
    const double fees_ba = 98.5 * 0.0004 + 100.7 * 0.0005;
    CHECK(q.net_bps[1] == doctest::Approx((98.5 - 100.7 - fees_ba) / 99.6 * 1e4));
    CHECK(q.spread_ab == *relative(px("-0.2"), px("99.6")));
    // maker_taker with B as maker: B buys passively at its bid with a rebate.
    auto m = price_pair(a, b, qty("2"), ra, rb, leg_pricing{exec_style::maker_taker, 1});
    REQUIRE(m.valid);
    const double fees_m = 99.5 * 0.0005 + 99.0 * -0.0001;
    CHECK(m.net_bps[0] == doctest::Approx((99.5 - 99.0 - fees_m) / 99.6 * 1e4));
    // Too deep for the books: invalid.
    CHECK_FALSE(price_pair(a, b, qty("11"), ra, rb, leg_pricing{}).valid);
  }

  TEST_CASE("shift_bps rounds to the tick in the asked direction") {
    CHECK(shift_bps(px("100"), 5, px("0.01"), rounding::down) == px("100.05"));
    CHECK(shift_bps(px("100"), 5.5, px("0.01"), rounding::down) == px("100.05"));
    CHECK(shift_bps(px("100"), 5.5, px("0.01"), rounding::up) == px("100.06"));
    CHECK(shift_bps(px("100"), -5, px("0.1"), rounding::up) == px("100"));
    CHECK(bps_ratio(2.5) == rt("0.00025"));
  }
}

TEST_SUITE("order_tracker") {
  order_intent intent(const char* id, side sd, const char* q, time_in_force tif) {
    order_intent o;
    o.client_id = id;
    o.venue = "va";
    o.symbol = "BTC-PERP";
    o.sd = sd;
    o.tif = tif;
    o.px = px("100");
    o.qty = qty(q);
    o.ts = 1000;
    return o;
  }

  order_fill fill(const char* id, const char* fid, const char* q, const char* leaves) {
    order_fill f;
    f.client_id = id;
    f.fill_id = fid;
    f.venue = "va";
    f.symbol = "BTC-PERP";
    f.qty = qty(q);
    f.leaves_qty = qty(leaves);
    f.px = px("100");
    f.ts = 2000;
    return f;
  }

  TEST_CASE("every transition is recorded in order") {
    order_tracker t("p", 4 * sec);
    std::vector<order_update> u;
    auto& o = t.create(intent("c1", side::buy, "3", time_in_force::ioc), 0,
                       order_purpose::open, sec, u);
    t.mark_sent("c1", 1000, u);
    t.on_ack(order_ack{"c1", "v1", "va", "BTC-PERP", 1500}, u);
    t.on_fill(fill("c1", "f1", "1", "2"), u);
    t.on_fill(fill("c1", "f2", "2", "0"), u);
    REQUIRE(u.size() == 5);
    CHECK(u[0].from == order_state::intent);
    CHECK(u[0].to == order_state::intent);
    CHECK(u[1].to == order_state::sent);
    CHECK(u[2].to == order_state::acked);
    CHECK(u[3].to == order_state::partially_filled);
    CHECK(u[3].filled == qty("1"));
    CHECK(u[4].from == order_state::partially_filled);
    CHECK(u[4].to == order_state::filled);
    CHECK(o.state == order_state::filled);
    CHECK_FALSE(t.may_fill(o, 3000));
  }

  TEST_CASE("expiry, late fill and a cancel that finds the order gone") {
    order_tracker t("p", 4 * sec);
    std::vector<order_update> u;
    auto& o = t.create(intent("c2", side::sell, "2", time_in_force::post_only), 1,
                       order_purpose::open, sec, u);
    t.mark_sent("c2", 1000, u);
    CHECK(t.expire(1000 + sec - 1, u).empty());
    auto exp = t.expire(1000 + sec, u);
    REQUIRE(exp.size() == 1);
    CHECK(o.state == order_state::expired);
    CHECK(o.working_signed() == qty("-2"));
    t.mark_cancel_sent(o, 1000 + sec);
    CHECK(t.may_fill(o, 1000 + 2 * sec)); // still within the ambiguity bound
    // The order filled at the venue before our cancel arrived.
    t.on_fill(fill("c2", "f9", "2", "0"), u);
    CHECK(o.state == order_state::filled);
    CHECK(u.back().to == order_state::filled);
    // ... and the venue then rejects the cancel: not an order reject.
    t.on_reject(order_reject{"c2", "va", "BTC-PERP", error_code::unknown_order, "gone", 5},
                u);
    CHECK(o.state == order_state::filled);
  }

  TEST_CASE("an expired order stops counting as working after the ambiguity bound") {
    order_tracker t("p", 2 * sec);
    std::vector<order_update> u;
    auto& o = t.create(intent("c3", side::buy, "1", time_in_force::ioc), 0,
                       order_purpose::hedge, sec, u);
    t.mark_sent("c3", 1000, u);
    t.expire(1000 + sec, u);
    CHECK(t.may_fill(o, 1000 + sec + 2 * sec - 1));
    CHECK_FALSE(t.may_fill(o, 1000 + sec + 2 * sec));
    t.prune(1000 + 10 * sec, sec);
    CHECK(t.find("c3") == nullptr);
  }

  TEST_CASE("reject and cancel are terminal; a fill-less cancel of a filled order is filled") {
    order_tracker t("p", sec);
    std::vector<order_update> u;
    auto& a = t.create(intent("r1", side::buy, "1", time_in_force::ioc), 0,
                       order_purpose::open, sec, u);
    t.mark_sent("r1", 1, u);
    t.on_reject(order_reject{"r1", "va", "BTC-PERP", error_code::below_min_qty, "x", 2}, u);
    CHECK(a.state == order_state::rejected);
    CHECK(u.back().reason.find("below_min_qty") != std::string::npos);
    auto& c = t.create(intent("r2", side::buy, "1", time_in_force::ioc), 0,
                       order_purpose::open, sec, u);
    t.mark_sent("r2", 1, u);
    t.on_fill(fill("r2", "g1", "0.4", "0.6"), u);
    t.on_cancelled(order_cancelled{"r2", "va", "BTC-PERP", qty("0.6"), "ioc remainder", 3}, u);
    CHECK(c.state == order_state::cancelled);
    CHECK(c.filled == qty("0.4"));
  }
}

namespace {

/// An engine on hand-fed books; taker_taker, zscore with a short window.
struct engine_fixture {
  engine_output out;
  std::unique_ptr<pair_engine> e;
  timestamp_ns now = 1'000 * sec;
  uint64_t seq[2] = {1, 1};

  explicit engine_fixture(pair_params p = defaults()) {
    engine_config c;
    c.node = "t";
    c.symbol = "BTC-PERP";
    c.venue_a = "va";
    c.venue_b = "vb";
    c.params = p;
    c.epoch = 1;
    e = std::make_unique<pair_engine>(c);
    REQUIRE_FALSE(e->set_rules(0, spec("va", "0.0002", "0.0005")));
    REQUIRE_FALSE(e->set_rules(1, spec("vb", "0.0002", "0.0005")));
  }

  static pair_params defaults() {
    pair_params p;
    p.signal.window = 20;
    p.signal.sample_interval_ns = 100 * ms;
    p.signal.z_entry = 2;
    p.signal.z_exit = 0.5;
    p.order_notional = money::from_units(6500); // 0.1 BTC at 65000
    p.max_tranches = 1;
    p.max_position_notional = money::from_units(20000);
    p.hard_delta_notional = money::from_units(20000);
    p.min_profit_bps = 0;
    p.stop_loss_bps = 0;
    p.take_profit_bps = 0;
    return p;
  }

  /// Both books: A around `mid_a`, B around `mid_b`, 1-tick spread, deep.
  void books(const char* bid_a, const char* ask_a, const char* bid_b, const char* ask_b) {
    e->book(0).apply(make_book("va", bid_a, ask_a, "5", "0.1", 20, seq[0]++));
    e->on_book(0, now, now, out);
    e->book(1).apply(make_book("vb", bid_b, ask_b, "5", "0.1", 20, seq[1]++));
    e->on_book(1, now, now, out);
  }

  void warm_up() {
    // Equal books, tiny alternating wiggle so the std is not zero.
    for (int i = 0; i < 25; ++i) {
      now += 100 * ms;
      if (i % 2)
        books("65000.0", "65000.1", "65000.0", "65000.1");
      else
        books("65000.1", "65000.2", "65000.0", "65000.1");
    }
    out.clear();
  }

  /// Warm up, dislocate A 30 bp rich and fill both entry IOCs completely.
  void open_ab() {
    warm_up();
    now += 100 * ms;
    books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(out.orders.size() == 2);
    fill_all("o");
    REQUIRE(e->position(0) == qty("-0.099"));
    REQUIRE(e->position(1) == qty("0.099"));
    REQUIRE(e->phase() == pair_phase::open);
    out.clear();
  }

  /// Fills every order of the last output completely (fill ids prefix-N).
  void fill_all(const std::string& prefix) {
    auto orders = out.orders;
    out.clear();
    int i = 0;
    for (auto& o : orders) {
      auto f = fill_of(o, "0", "0", "");
      f.qty = o.qty;
      f.fill_id = prefix + std::to_string(i++);
      e->on_fill(f, now, out);
    }
  }

  bool has_event(const std::string& needle) const {
    for (auto& ev : out.events)
      if (ev.text.find(needle) != std::string::npos)
        return true;
    return false;
  }

  order_fill fill_of(const order_intent& o, const char* q, const char* leaves,
                     const char* fid) {
    order_fill f;
    f.client_id = o.client_id;
    f.venue = o.venue;
    f.symbol = o.symbol;
    f.fill_id = fid;
    f.sd = o.sd;
    f.px = o.px;
    f.qty = qty(q);
    f.leaves_qty = qty(leaves);
    f.fee = money::zero();
    f.ts = now;
    return f;
  }
};

} // namespace

TEST_SUITE("pair_engine") {
  TEST_CASE("no entry during warm-up, then both IOC legs at once on a dislocation") {
    engine_fixture f;
    // A dislocation before the window is full: nothing.
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    CHECK(f.out.orders.empty());
    CHECK(f.e->phase() == pair_phase::warmup);
    f.warm_up();
    CHECK(f.e->phase() == pair_phase::flat);
    // A trades 30 bps rich: sell A, buy B.
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(f.out.orders.size() == 2);
    const auto& sa = f.out.orders[0];
    const auto& bb = f.out.orders[1];
    CHECK(sa.venue == "va");
    CHECK(sa.sd == side::sell);
    CHECK(bb.venue == "vb");
    CHECK(bb.sd == side::buy);
    CHECK(sa.tif == time_in_force::ioc);
    CHECK(bb.tif == time_in_force::ioc);
    CHECK(sa.qty == qty("0.099"));  // 6500 / 65100.05 on the 0.001 lot
    CHECK(bb.qty == sa.qty);
    // Limit: the walked level, capped 5 bps beyond the touch.
    CHECK(sa.px == px("65200"));
    CHECK(bb.px == px("65000.1"));
    CHECK(sa.client_id != bb.client_id);
    CHECK(f.e->direction() == 0);
    CHECK(f.e->target() == qty("-0.099"));
    // intent and sent recorded for both.
    CHECK(std::count_if(f.out.updates.begin(), f.out.updates.end(), [](auto& u) {
            return u.to == order_state::sent;
          }) == 2);
  }

  TEST_CASE("a partially filled leg is hedged, and a failing hedge venue gets the orphan unwound") {
    auto p = engine_fixture::defaults();
    p.max_retries = 2;
    p.hedge_timeout_ns = 2 * sec;
    engine_fixture f(p);
    f.warm_up();
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(f.out.orders.size() == 2);
    auto sell_a = f.out.orders[0];
    auto buy_b = f.out.orders[1];
    f.out.clear();
    // A fills completely, B only 0.040 and cancels the rest.
    f.e->on_fill(f.fill_of(sell_a, "0.099", "0", "a1"), f.now, f.out);
    CHECK(f.out.orders.empty()); // B's IOC is still working: no hedge yet
    f.e->on_fill(f.fill_of(buy_b, "0.04", "0.059", "b1"), f.now, f.out);
    CHECK(f.out.orders.empty());
    f.e->on_cancelled(order_cancelled{buy_b.client_id, "vb", "BTC-PERP", qty("0.059"), "ioc",
                                      f.now},
                      f.now, f.out);
    // Net delta -0.059, but the book B showed was not all there: the hedge
    // waits for fresh data from B ...
    CHECK(f.out.orders.empty());
    CHECK(f.e->phase() == pair_phase::hedging);
    f.now += 5 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    // ... then buys 0.059 on B.
    REQUIRE(f.out.orders.size() == 1);
    auto h1 = f.out.orders[0];
    CHECK(h1.venue == "vb");
    CHECK(h1.sd == side::buy);
    CHECK(h1.qty == qty("0.059"));
    CHECK(f.e->phase() == pair_phase::hedging);
    f.out.clear();
    // B rejects the hedge twice (retries are bounded) ...
    f.now += 100 * ms;
    f.e->on_reject(order_reject{h1.client_id, "vb", "BTC-PERP", error_code::rate_limited, "",
                                f.now},
                   f.now, f.out);
    f.now += 100 * ms;
    f.e->on_timer(f.now, f.out);
    REQUIRE(f.out.orders.size() == 1);
    auto h2 = f.out.orders[0];
    CHECK(h2.client_id != h1.client_id); // a new order, never a duplicate id
    CHECK(h2.venue == "vb");
    f.out.clear();
    f.e->on_reject(order_reject{h2.client_id, "vb", "BTC-PERP", error_code::rate_limited, "",
                                f.now},
                   f.now, f.out);
    f.now += 100 * ms;
    f.e->on_timer(f.now, f.out);
    // ... retries exhausted: unwind the orphan on A, reduce-only.
    REQUIRE(f.out.orders.size() == 1);
    auto u = f.out.orders[0];
    CHECK(u.venue == "va");
    CHECK(u.sd == side::buy);
    CHECK(u.qty == qty("0.059"));
    CHECK(u.reduce_only);
    CHECK(f.e->target() == qty("-0.04"));
    f.out.clear();
    f.e->on_fill(f.fill_of(u, "0.059", "0", "a2"), f.now, f.out);
    CHECK(f.e->net_delta() == quantity::zero());
    CHECK(f.e->position(0) == qty("-0.04"));
    CHECK(f.e->position(1) == qty("0.04"));
    CHECK(f.e->stats().unwinds == 1);
    CHECK(f.e->stats().hedges == 2);
    CHECK(f.e->stats().rebalances == 0);
  }

  TEST_CASE("duplicate fills are booked once; unknown fills are booked and reported") {
    engine_fixture f;
    f.warm_up();
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(f.out.orders.size() == 2);
    auto sell_a = f.out.orders[0];
    f.out.clear();
    auto fl = f.fill_of(sell_a, "0.099", "0", "dup");
    f.e->on_fill(fl, f.now, f.out);
    f.e->on_fill(fl, f.now, f.out);
    CHECK(f.e->position(0) == qty("-0.099"));
    CHECK(f.e->stats().duplicate_fills == 1);
    order_fill stray = fl;
    stray.client_id = "not-ours";
    stray.fill_id = "x1";
    f.e->on_fill(stray, f.now, f.out);
    CHECK(f.e->position(0) == qty("-0.198"));
    CHECK(f.e->stats().unknown_fills == 1);
  }

  TEST_CASE("drift below the rebalance limit is carried; beyond it a rebalance order goes") {
    auto p = engine_fixture::defaults();
    p.rebalance_multiple = 3; // limit: 3 x 0.001
    engine_fixture f(p);
    f.warm_up();
    order_fill stray;
    stray.client_id = "old";
    stray.venue = "vb";
    stray.symbol = "BTC-PERP";
    stray.sd = side::buy;
    stray.px = px("65000");
    stray.leaves_qty = qty("0");
    stray.ts = f.now;
    stray.fill_id = "d1";
    stray.qty = qty("0.003");
    f.e->on_fill(stray, f.now, f.out);
    f.now += 100 * ms;
    f.e->on_timer(f.now, f.out);
    CHECK(f.out.orders.empty()); // 0.003 is not beyond the limit: carried
    stray.fill_id = "d2";
    stray.qty = qty("0.002");
    f.e->on_fill(stray, f.now, f.out);
    REQUIRE(f.out.orders.size() == 1);
    CHECK(f.out.orders[0].venue == "vb"); // B is ahead of its (zero) target
    CHECK(f.out.orders[0].sd == side::sell);
    CHECK(f.out.orders[0].qty == qty("0.005"));
    CHECK(f.e->stats().rebalances == 1);
  }

  TEST_CASE("a net delta beyond the hard limit flattens reduce-only and halts") {
    auto p = engine_fixture::defaults();
    p.hard_delta_notional = money::from_units(6500);
    engine_fixture f(p);
    f.warm_up();
    // An unknown fill leaves 0.2 BTC long on A (13000 > 6500).
    order_fill stray;
    stray.client_id = "old";
    stray.fill_id = "s1";
    stray.venue = "va";
    stray.symbol = "BTC-PERP";
    stray.sd = side::buy;
    stray.px = px("65000");
    stray.qty = qty("0.2");
    stray.leaves_qty = qty("0");
    stray.ts = f.now;
    f.e->on_fill(stray, f.now, f.out);
    CHECK(f.e->halted());
    REQUIRE(f.out.orders.size() == 1);
    CHECK(f.out.orders[0].venue == "va");
    CHECK(f.out.orders[0].sd == side::sell);
    CHECK(f.out.orders[0].reduce_only);
    CHECK(f.out.orders[0].qty == qty("0.2"));
    CHECK(f.e->status(f.now).halt_reason == "hard delta limit");
  }

  TEST_CASE("maker_taker rests post-only on the maker leg and hedges each fill at once") {
    auto p = engine_fixture::defaults();
    p.style = exec_style::maker_taker;
    p.maker = maker_leg::a;
    engine_fixture f(p);
    f.warm_up();
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(f.out.orders.size() == 1);
    auto m = f.out.orders[0];
    CHECK(m.venue == "va");
    CHECK(m.sd == side::sell);
    CHECK(m.tif == time_in_force::post_only);
    CHECK(m.px == px("65200.1")); // at the touch
    f.out.clear();
    f.e->on_ack(order_ack{m.client_id, "v1", "va", "BTC-PERP", f.now}, f.now, f.out);
    // A partial maker fill: hedge the filled part on B immediately.
    f.e->on_fill(f.fill_of(m, "0.03", "0.069", "m1"), f.now, f.out);
    REQUIRE(f.out.orders.size() == 1);
    CHECK(f.out.orders[0].venue == "vb");
    CHECK(f.out.orders[0].sd == side::buy);
    CHECK(f.out.orders[0].tif == time_in_force::ioc);
    CHECK(f.out.orders[0].qty == qty("0.03"));
    auto hedge = f.out.orders[0];
    f.out.clear();
    f.e->on_fill(f.fill_of(hedge, "0.03", "0", "h1"), f.now, f.out);
    CHECK(f.e->net_delta() == quantity::zero());
    CHECK(f.out.orders.empty());
    // Within the 1 bp tolerance (0.5 bp): the quote stays.
    f.now += 10 * ms;
    f.books("65203.3", "65203.4", "65000.0", "65000.1");
    CHECK(f.out.cancels.empty());
    // The touch moves 2 bps: re-quote (cancel first, the new quote follows).
    f.now += 10 * ms;
    f.books("65213.0", "65213.1", "65000.0", "65000.1");
    REQUIRE(f.out.cancels.size() == 1);
    CHECK(f.out.cancels[0].client_id == m.client_id);
    CHECK(f.e->stats().requotes == 1);
  }

  TEST_CASE("stop loss closes both legs at once, reduce-only") {
    auto p = engine_fixture::defaults();
    p.stop_loss_bps = 20;
    engine_fixture f(p);
    f.open_ab();
    // A runs further away: buying it back now loses ~30 bp plus fees.
    f.now += 100 * ms;
    f.books("65400.0", "65400.1", "65000.0", "65000.1");
    CHECK(f.has_event("stop loss"));
    REQUIRE(f.out.orders.size() == 2);
    for (auto& o : f.out.orders) {
      CHECK(o.tif == time_in_force::ioc);
      CHECK(o.reduce_only);
      CHECK(o.qty == qty("0.099"));
    }
    CHECK(f.out.orders[0].venue == "va");
    CHECK(f.out.orders[0].sd == side::buy);
    CHECK(f.out.orders[1].sd == side::sell);
    CHECK(f.e->phase() == pair_phase::closing);
  }

  TEST_CASE("max holding time closes the position") {
    auto p = engine_fixture::defaults();
    p.max_hold_ns = 5 * sec;
    engine_fixture f(p);
    f.open_ab();
    f.now += 4 * sec;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    CHECK(f.out.orders.empty());
    f.now += 1 * sec;
    f.e->on_timer(f.now, f.out);
    CHECK(f.has_event("max holding time"));
    CHECK(f.out.orders.size() == 2);
  }

  TEST_CASE("take profit closes before the signal reverts, and the round trip is booked") {
    auto p = engine_fixture::defaults();
    p.take_profit_bps = 5;
    engine_fixture f(p);
    f.open_ab();
    // Half the dislocation is gone: +15 bp before fees, already above 5 bp net.
    f.now += 100 * ms;
    f.books("65100.0", "65100.1", "65000.0", "65000.1");
    CHECK(f.has_event("take profit"));
    REQUIRE(f.out.orders.size() == 2);
    f.fill_all("c");
    CHECK(f.e->stats().round_trips == 1);
    CHECK(f.e->phase() == pair_phase::flat);
    CHECK(f.e->direction() == -1);
    // Sold A at 65200, bought back at 65100.1; B bought at 65000.1, sold at 65000.
    const auto r = f.e->status(f.now);
    CHECK(r.leg_a.realized == *money::from_string("9.8901"));
    CHECK(r.leg_b.realized == *money::from_string("-0.0099"));
    CHECK(r.round_trips == 1);
  }

  TEST_CASE("zero_wear: maker entry, no close at a loss, close once the round trip costs nothing") {
    auto p = engine_fixture::defaults();
    p.mode = trade_mode::zero_wear;
    p.maker = maker_leg::a;
    engine_fixture f(p);
    CHECK(f.e->effective().style == exec_style::maker_taker);
    CHECK(f.e->effective().max_tranches == 1);
    f.warm_up();
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    REQUIRE(f.out.orders.size() == 1);
    auto maker = f.out.orders[0];
    CHECK(maker.tif == time_in_force::post_only);
    CHECK(maker.venue == "va");
    CHECK(f.e->stats().min_entry_expected_bps >= 0.0);
    f.out.clear();
    f.e->on_fill(f.fill_of(maker, "0.099", "0", "z1"), f.now, f.out);
    REQUIRE(f.out.orders.size() == 1); // the taker hedge on B
    auto hedge = f.out.orders[0];
    f.out.clear();
    f.e->on_fill(f.fill_of(hedge, "0.099", "0", "z2"), f.now, f.out);
    CHECK(f.e->net_delta() == quantity::zero());
    // Adverse: closing now would lose. zero_wear has no stop: it holds.
    f.now += 100 * ms;
    f.books("65400.0", "65400.1", "65000.0", "65000.1");
    CHECK(f.out.orders.empty());
    CHECK(f.e->phase() == pair_phase::open);
    // Back to normal: the round trip is positive after all fees: close,
    // passively on the maker leg, reduce-only.
    f.now += 100 * ms;
    f.books("65000.0", "65000.1", "65000.0", "65000.1");
    CHECK(f.has_event("zero_wear: round trip"));
    REQUIRE(f.out.orders.size() == 1);
    CHECK(f.out.orders[0].venue == "va");
    CHECK(f.out.orders[0].tif == time_in_force::post_only);
    CHECK(f.out.orders[0].reduce_only);
    CHECK(f.out.orders[0].sd == side::buy);
  }

  TEST_CASE("operator: disable blocks entries, flatten closes reduce-only and halts, resume") {
    engine_fixture f;
    f.warm_up();
    f.e->set_enabled(false, f.now, f.out);
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    CHECK(f.out.orders.empty());
    f.e->set_enabled(true, f.now, f.out);
    REQUIRE(f.out.orders.size() == 2);
    f.fill_all("f");
    f.e->flatten("operator", f.now, f.out);
    CHECK(f.e->halted());
    REQUIRE(f.out.orders.size() == 2);
    for (auto& o : f.out.orders) {
      CHECK(o.reduce_only);
      CHECK(o.qty == qty("0.099"));
    }
    f.fill_all("g");
    CHECK(f.e->position(0).is_zero());
    CHECK(f.e->position(1).is_zero());
    CHECK(f.e->phase() == pair_phase::halted);
    // Halted: the dislocation is still there, nothing opens.
    f.now += 100 * ms;
    f.books("65200.0", "65200.1", "65000.0", "65000.1");
    CHECK(f.out.orders.empty());
    f.e->resume(f.now, f.out);
    CHECK_FALSE(f.e->halted());
    CHECK(f.out.orders.size() == 2);
  }
}
