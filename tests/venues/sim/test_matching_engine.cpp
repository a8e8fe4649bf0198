// Matching rules of the simulated venue: validation and reject codes, taker
// fills through depth, IOC/market remainders, post-only and maker fills,
// reduce-only, cancels and exact position accounting.
#include <doctest/doctest.h>

#include <stdexcept>

#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/matching_engine.hpp"
#include "venues/sim/position_ledger.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {

market_rules btc_rules(std::string_view maker = "0.0002") {
  return market_rules{"BTC-PERP", ratio::from_units(1), px("0.1"), qty("0.001"),
                      qty("0.002"), usd("5"), rate(maker), rate("0.0005")};
}

/// asks 100.0 x 1, 100.5 x 2, 101.0 x 3; bids 99.5 x 1, 99.0 x 2.
matching_engine make_engine(std::string_view maker = "0.0002") {
  matching_engine e{"sim-t"};
  e.add_market(btc_rules(maker));
  e.asks(0) = {{px("100"), qty("1")}, {px("100.5"), qty("2")}, {px("101"), qty("3")}};
  e.bids(0) = {{px("99.5"), qty("1")}, {px("99"), qty("2")}};
  return e;
}

order_intent limit(std::string id, side sd, std::string_view p, std::string_view q,
                   time_in_force tif = time_in_force::gtc) {
  order_intent o;
  o.client_id = std::move(id);
  o.venue = "sim-t";
  o.symbol = "BTC-PERP";
  o.sd = sd;
  o.type = order_type::limit;
  o.tif = tif;
  o.px = px(p);
  o.qty = qty(q);
  return o;
}

order_intent market(std::string id, side sd, std::string_view q) {
  auto o = limit(std::move(id), sd, "0", q, time_in_force::ioc);
  o.type = order_type::market;
  return o;
}

error_code reject_code(matching_engine& e, const order_intent& o) {
  std::vector<event> out;
  e.submit(o, 1, out);
  REQUIRE(out.size() == 1);
  REQUIRE(std::holds_alternative<order_reject>(out[0]));
  const auto& r = as<order_reject>(out[0]);
  CHECK(r.client_id == o.client_id);
  CHECK(!r.reason.empty());
  return r.code;
}

} // namespace

TEST_CASE("every validation failure is rejected with its own code and no ack") {
  auto e = make_engine();
  auto bad = limit("x", side::buy, "99", "0.1");
  bad.symbol = "XRP-PERP";
  CHECK(reject_code(e, bad) == error_code::unknown_symbol);
  CHECK(reject_code(e, limit("x", side::buy, "99", "0")) == error_code::invalid_order);
  CHECK(reject_code(e, limit("x", side::buy, "99", "-0.1")) == error_code::invalid_order);
  CHECK(reject_code(e, limit("x", side::buy, "0", "0.1")) == error_code::invalid_order);
  CHECK(reject_code(e, limit("", side::buy, "99", "0.1")) == error_code::invalid_order);
  auto mkt_post = market("x", side::buy, "0.1");
  mkt_post.tif = time_in_force::post_only;
  CHECK(reject_code(e, mkt_post) == error_code::invalid_order);
  CHECK(reject_code(e, limit("x", side::buy, "99.05", "0.1")) == error_code::bad_tick);
  CHECK(reject_code(e, limit("x", side::buy, "99", "0.0015")) == error_code::bad_lot);
  CHECK(reject_code(e, limit("x", side::buy, "99", "0.001")) == error_code::below_min_qty);
  CHECK(reject_code(e, limit("x", side::buy, "99", "0.05")) == error_code::below_min_notional);
  CHECK(reject_code(e, limit("x", side::buy, "100", "0.1", time_in_force::post_only))
        == error_code::post_only_would_cross);
  CHECK(reject_code(e, limit("x", side::sell, "99.5", "0.1", time_in_force::post_only))
        == error_code::post_only_would_cross);
  auto ro = limit("x", side::sell, "101", "0.1");
  ro.reduce_only = true;
  CHECK(reject_code(e, ro) == error_code::reduce_only_violation);
  // Nothing above changed the book or created an order.
  CHECK(e.asks(0).size() == 3);
  CHECK(e.open_orders(0).empty());
  CHECK(e.position_of(0).qty.is_zero());
  // Rejected ids are not burnt: "x" is still usable.
  std::vector<event> out;
  e.submit(limit("x", side::buy, "99", "0.1"), 2, out);
  REQUIRE(out.size() == 1);
  CHECK(std::holds_alternative<order_ack>(out[0]));
}

TEST_CASE("market order on an empty side is rejected with no_liquidity") {
  auto e = make_engine();
  e.asks(0).clear();
  CHECK(reject_code(e, market("m", side::buy, "0.1")) == error_code::no_liquidity);
  // The other side still trades.
  std::vector<event> out;
  e.submit(market("m", side::sell, "0.1"), 1, out);
  CHECK(only<order_fill>(out).size() == 1);
}

TEST_CASE("client ids are unique per venue, across symbols and after fills") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("dup", side::buy, "99", "0.1"), 1, out);
  REQUIRE(std::holds_alternative<order_ack>(out.at(0)));
  CHECK(reject_code(e, limit("dup", side::sell, "102", "0.2")) == error_code::duplicate_order);
  out.clear();
  e.submit(market("filled", side::buy, "0.1"), 2, out);
  CHECK(reject_code(e, market("filled", side::buy, "0.1")) == error_code::duplicate_order);
}

TEST_CASE("market order walks the depth: one fill per level, exact VWAP and taker fees") {
  auto e = make_engine();
  std::vector<event> out;
  CHECK(e.submit(market("m1", side::buy, "2.5"), 7, out));
  REQUIRE(out.size() == 3);
  const auto& ack = as<order_ack>(out[0]); // ack before fills
  CHECK(ack.client_id == "m1");
  CHECK(ack.venue == "sim-t");
  const auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 2);
  CHECK(fills[0].px == px("100"));
  CHECK(fills[0].qty == qty("1"));
  CHECK(fills[0].leaves_qty == qty("1.5"));
  CHECK(fills[0].fee == usd("0.05"));          // 100 x 1 x 0.0005
  CHECK(fills[0].liq == liquidity::taker);
  CHECK(fills[1].px == px("100.5"));
  CHECK(fills[1].qty == qty("1.5"));
  CHECK(fills[1].leaves_qty == qty("0"));
  CHECK(fills[1].fee == usd("0.075375"));      // 150.75 x 0.0005
  CHECK(fills[0].fill_id != fills[1].fill_id);
  CHECK(fills[0].venue_order_id == ack.venue_order_id);
  CHECK(fills[1].ts == 7);
  // VWAP = (100 + 150.75) / 2.5 = 100.3 exactly.
  const auto& pos = e.position_of(0);
  CHECK(pos.qty == qty("2.5"));
  CHECK(pos.avg_entry == px("100.3"));
  CHECK(pos.fees == usd("0.125375"));
  CHECK(pos.realized_pnl.is_zero());
  // Consumed liquidity left the book.
  REQUIRE(e.asks(0).size() == 2);
  CHECK(e.asks(0)[0] == book_level{px("100.5"), qty("0.5")});
  CHECK(e.asks(0)[1] == book_level{px("101"), qty("3")});
}

TEST_CASE("market remainder beyond the book is cancelled") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("m", side::sell, "5"), 1, out);
  REQUIRE(out.size() == 4); // ack, 2 fills, cancel
  CHECK(only<order_fill>(out).size() == 2);
  const auto& c = as<order_cancelled>(out.back());
  CHECK(c.cancelled_qty == qty("2"));
  CHECK(c.reason == "market_remainder");
  CHECK(e.bids(0).empty());
  CHECK(e.position_of(0).qty == qty("-3"));
  CHECK(e.position_of(0).avg_entry == px("99.166666667")); // 297.5 / 3, nearest
}

TEST_CASE("IOC fills up to its limit and cancels the remainder") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("i1", side::buy, "100.5", "4", time_in_force::ioc), 3, out);
  REQUIRE(out.size() == 4);
  CHECK(std::holds_alternative<order_ack>(out[0]));
  const auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 2);
  CHECK(fills[1].px == px("100.5"));
  CHECK(fills[1].qty == qty("2"));
  CHECK(fills[1].leaves_qty == qty("1"));
  const auto& c = as<order_cancelled>(out[3]);
  CHECK(c.cancelled_qty == qty("1"));
  CHECK(c.reason == "ioc_remainder");
  CHECK(e.open_orders(0).empty());
  CHECK(e.asks(0).front() == book_level{px("101"), qty("3")});

  // Nothing at the limit: ack then a cancel of everything.
  out.clear();
  e.submit(limit("i2", side::buy, "99.9", "0.5", time_in_force::ioc), 4, out);
  REQUIRE(out.size() == 2);
  CHECK(std::holds_alternative<order_ack>(out[0]));
  CHECK(as<order_cancelled>(out[1]).cancelled_qty == qty("0.5"));
}

TEST_CASE("GTC limit takes what crosses and rests the remainder") {
  auto e = make_engine();
  std::vector<event> out;
  CHECK(e.submit(limit("g", side::buy, "100", "1.5"), 1, out));
  REQUIRE(out.size() == 2);
  CHECK(as<order_fill>(out[1]).qty == qty("1"));
  CHECK(as<order_fill>(out[1]).leaves_qty == qty("0.5"));
  REQUIRE(e.open_orders(0).size() == 1);
  CHECK(e.open_orders(0)[0].leaves == qty("0.5"));
  CHECK(e.open_orders(0)[0].px == px("100"));
  // Own orders are not in the book (never self-matched, never shown).
  CHECK(e.bids(0).front().px == px("99.5"));
}

TEST_CASE("post-only rests, then fills as maker when the market trades through it") {
  SUBCASE("maker fee") {
    auto e = make_engine();
    std::vector<event> out;
    e.submit(limit("p", side::buy, "99.8", "1", time_in_force::post_only), 1, out);
    REQUIRE(out.size() == 1);
    CHECK(std::holds_alternative<order_ack>(out[0]));
    out.clear();
    CHECK_FALSE(e.match_resting(0, 2, out)); // asks still above 99.8
    CHECK(out.empty());
    // The market moves down: asks at 99.7 and 99.8 now reach our bid.
    e.asks(0) = {{px("99.7"), qty("0.5")}, {px("99.8"), qty("0.3")}, {px("99.9"), qty("5")}};
    CHECK(e.match_resting(0, 3, out));
    REQUIRE(out.size() == 1);
    const auto& f = as<order_fill>(out[0]);
    CHECK(f.liq == liquidity::maker);
    CHECK(f.px == px("99.8"));          // our price, not the crossing asks'
    CHECK(f.qty == qty("0.8"));
    CHECK(f.leaves_qty == qty("0.2"));
    CHECK(f.fee == usd("0.015968"));    // 79.84 x 0.0002
    CHECK(f.ts == 3);
    REQUIRE(e.asks(0).size() == 1);
    CHECK(e.asks(0)[0].px == px("99.9"));
    CHECK(e.open_orders(0)[0].leaves == qty("0.2"));
    CHECK(e.position_of(0).qty == qty("0.8"));
  }
  SUBCASE("maker rebate") {
    auto e = make_engine("-0.00005");
    std::vector<event> out;
    e.submit(limit("s", side::sell, "100.2", "2", time_in_force::post_only), 1, out);
    e.bids(0) = {{px("100.3"), qty("5")}};
    out.clear();
    CHECK(e.match_resting(0, 2, out));
    REQUIRE(out.size() == 1);
    const auto& f = as<order_fill>(out[0]);
    CHECK(f.px == px("100.2"));
    CHECK(f.qty == qty("2"));
    CHECK(f.leaves_qty.is_zero());
    CHECK(f.fee == usd("-0.01002"));    // 200.4 x -0.00005: a rebate
    CHECK(e.position_of(0).fees == usd("-0.01002"));
    CHECK(e.open_orders(0).empty());
    CHECK(e.bids(0)[0].qty == qty("3"));
  }
}

TEST_CASE("resting orders fill best price first, then by arrival") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("low", side::buy, "99.6", "0.5"), 1, out);
  e.submit(limit("first", side::buy, "99.8", "0.5"), 2, out);
  e.submit(limit("second", side::buy, "99.8", "0.5"), 3, out);
  out.clear();
  e.asks(0) = {{px("99.6"), qty("0.7")}, {px("99.9"), qty("1")}};
  e.match_resting(0, 4, out);
  const auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 2);
  CHECK(fills[0].client_id == "first");
  CHECK(fills[0].qty == qty("0.5"));
  CHECK(fills[1].client_id == "second");
  CHECK(fills[1].qty == qty("0.2"));
  REQUIRE(e.open_orders(0).size() == 2); // "low" untouched, "second" partial
  CHECK(e.open_orders(0)[0].client_id == "low");
  CHECK(e.open_orders(0)[0].leaves == qty("0.5"));
  CHECK(e.open_orders(0)[1].client_id == "second");
  CHECK(e.open_orders(0)[1].venue_order_id == fills[1].venue_order_id);
  CHECK(e.open_orders(0)[1].leaves == qty("0.3"));
}

TEST_CASE("reduce-only: rejected when it would add, trimmed to the position") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("open", side::buy, "1"), 1, out);
  CHECK(e.position_of(0).qty == qty("1"));
  auto add = market("add", side::buy, "0.5");
  add.reduce_only = true;
  CHECK(reject_code(e, add) == error_code::reduce_only_violation);

  auto close = market("close", side::sell, "3");
  close.reduce_only = true;
  out.clear();
  e.submit(close, 2, out);
  const auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 1);            // trimmed to 1, not 3
  CHECK(fills[0].qty == qty("1"));
  CHECK(fills[0].leaves_qty.is_zero());
  CHECK(only<order_cancelled>(out).empty());
  CHECK(e.position_of(0).qty.is_zero());
}

TEST_CASE("a resting reduce-only order is cancelled once the position is gone") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("open", side::buy, "1"), 1, out);
  auto tp = limit("tp", side::sell, "102", "1");
  tp.reduce_only = true;
  e.submit(tp, 2, out);
  e.submit(market("flat", side::sell, "1"), 3, out);
  out.clear();
  e.match_resting(0, 4, out);
  REQUIRE(out.size() == 1);
  const auto& c = as<order_cancelled>(out[0]);
  CHECK(c.client_id == "tp");
  CHECK(c.reason == "reduce_only");
  CHECK(c.cancelled_qty == qty("1"));
  CHECK(e.open_orders(0).empty());
}

TEST_CASE("a resting reduce-only order fills only up to the position") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("open", side::buy, "1"), 1, out);
  auto tp = limit("tp", side::sell, "102", "1");
  tp.reduce_only = true;
  e.submit(tp, 2, out);
  e.submit(market("part", side::sell, "0.4"), 3, out); // position now 0.6
  e.bids(0) = {{px("102.5"), qty("10")}};
  out.clear();
  e.match_resting(0, 4, out);
  REQUIRE(out.size() == 2);
  CHECK(as<order_fill>(out[0]).qty == qty("0.6"));
  CHECK(as<order_fill>(out[0]).leaves_qty == qty("0.4"));
  CHECK(as<order_cancelled>(out[1]).cancelled_qty == qty("0.4"));
  CHECK(e.position_of(0).qty.is_zero());
}

TEST_CASE("cancel closes an open order once; unknown orders are rejected") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("c", side::buy, "99", "0.7"), 1, out);
  out.clear();
  e.cancel(cancel_request{"c", "sim-t", "BTC-PERP", 2}, 2, out);
  REQUIRE(out.size() == 1);
  const auto& c = as<order_cancelled>(out[0]);
  CHECK(c.cancelled_qty == qty("0.7"));
  CHECK(c.reason == "cancelled");
  CHECK(e.open_orders(0).empty());
  for (const char* id : {"c", "never"}) {
    out.clear();
    e.cancel(cancel_request{id, "sim-t", "BTC-PERP", 3}, 3, out);
    REQUIRE(out.size() == 1);
    CHECK(as<order_reject>(out[0]).code == error_code::unknown_order);
  }
  // A filled order is not open either; a wrong symbol does not find it.
  out.clear();
  e.submit(limit("r", side::buy, "98", "0.1"), 4, out);
  e.cancel(cancel_request{"r", "sim-t", "ETH-PERP", 4}, 4, out);
  CHECK(as<order_reject>(out.back()).code == error_code::unknown_order);
}

TEST_CASE("native tick and lot are checked after the contract multiplier") {
  matching_engine e{"sim-t"};
  // 1 native contract = 1 PEPE = 0.001 canonical units (1000 PEPE); native
  // tick 1e-9 per PEPE = 1e-6 per 1000 PEPE; native lot 10 PEPE = 0.01.
  e.add_market(market_rules{"PEPE-PERP", rate("0.001"), px("0.000000001"), qty("10"),
                            qty("10"), usd("1"), rate("0.0002"), rate("0.0005")});
  CHECK(e.tick(0) == px("0.000001"));
  CHECK(e.lot(0) == qty("0.01"));
  e.asks(0) = {{px("0.012001"), qty("100000")}};
  auto o = limit("p", side::buy, "0.0120005", "1000");
  o.symbol = "PEPE-PERP";
  CHECK(reject_code(e, o) == error_code::bad_tick);
  o.px = px("0.012");
  o.qty = qty("1000.005");
  CHECK(reject_code(e, o) == error_code::bad_lot);
  o.qty = qty("1000.01");
  std::vector<event> out;
  e.submit(o, 1, out);
  CHECK(std::holds_alternative<order_ack>(out.at(0)));

  // A multiplier that cannot express the tick exactly is a config error.
  CHECK_THROWS_AS(e.add_market(market_rules{"X-PERP", rate("0.003"), px("0.000000001"),
                                            qty("1"), qty("1"), usd("1"), {}, {}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(e.add_market(market_rules{"PEPE-PERP", rate("0.001"), px("0.000000001"),
                                            qty("10"), qty("10"), usd("1"), {}, {}}),
                  std::invalid_argument); // added twice
}

TEST_CASE("position ledger: exact realized P&L, flips, pro-rata cost, funding") {
  position_ledger l{"sim-t", "BTC-PERP"};
  l.apply_fill(side::buy, px("100"), qty("1"), usd("0.05"), 1);
  l.apply_fill(side::buy, px("101"), qty("2"), usd("0.101"), 2);
  CHECK(l.get().qty == qty("3"));
  CHECK(l.cost() == usd("302"));
  CHECK(l.get().avg_entry == px("100.666666667"));
  l.apply_fill(side::sell, px("102"), qty("1"), usd("0.051"), 3);
  CHECK(l.get().realized_pnl == usd("1.333333333")); // 102 - 302/3 (rounded)
  // Closing the rest realises exactly 306 - 302 in total: no drift.
  l.apply_fill(side::sell, px("102"), qty("2"), usd("0.102"), 4);
  CHECK(l.get().qty.is_zero());
  CHECK(l.get().realized_pnl == usd("4"));
  CHECK(l.get().avg_entry.is_zero());
  CHECK(l.get().fees == usd("0.304"));
  // Flip: short 1 @ 99 after closing a long 1 bought @ 100.
  l.apply_fill(side::buy, px("100"), qty("1"), money::zero(), 5);
  l.apply_fill(side::sell, px("99"), qty("2"), money::zero(), 6);
  CHECK(l.get().qty == qty("-1"));
  CHECK(l.get().avg_entry == px("99"));
  CHECK(l.get().realized_pnl == usd("3"));
  // A short receives a positive rate.
  CHECK(l.apply_funding(px("98"), rate("0.0001"), 7) == usd("0.0098")); // returns the booking
  CHECK(l.get().funding == usd("0.0098"));
  // Covering the short at 97 gains 2.
  l.apply_fill(side::buy, px("97"), qty("1"), money::zero(), 8);
  CHECK(l.get().realized_pnl == usd("5"));
  CHECK(l.get().ts == 8);
  // Longs pay a positive rate.
  l.apply_fill(side::buy, px("50"), qty("2"), money::zero(), 9);
  CHECK(l.apply_funding(px("50"), rate("0.0001"), 10) == -usd("0.01"));
  CHECK(l.get().funding == usd("0.0098") - usd("0.01"));
  // Flat: nothing booked, nothing returned, ts untouched.
  l.apply_fill(side::sell, px("50"), qty("2"), money::zero(), 11);
  CHECK(l.apply_funding(px("50"), rate("0.0001"), 12).is_zero());
  CHECK(l.get().funding == usd("0.0098") - usd("0.01"));
  CHECK(l.get().ts == 11);
}

TEST_CASE("engine positions match the fills it emitted") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("b", side::buy, "2"), 1, out);   // 1@100 + 1@100.5
  e.submit(market("s", side::sell, "1.5"), 2, out); // 1@99.5 + 0.5@99
  const auto& p = e.position_of(0);
  CHECK(p.qty == qty("0.5"));
  // Sold 1.5 out of a cost of 200.5: removed 150.375; exit 99.5 + 49.5 = 149.
  CHECK(p.realized_pnl == usd("-1.375"));
  CHECK(p.avg_entry == px("100.25"));
  money fees;
  for (const auto& f : only<order_fill>(out))
    fees += f.fee;
  CHECK(p.fees == fees);
  CHECK(p.fees == usd("0.17475")); // 0.0005 x (100 + 100.5 + 99.5 + 49.5)
}
