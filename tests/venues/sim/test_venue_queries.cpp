// The venue's own records, as a client reconciles against them after a
// restart: order status through every path, fills as emitted (including fills
// still on the wire), funding history, start time and request count.
#include <doctest/doctest.h>

#include <stdexcept>

#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/matching_engine.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {


using st = order_record::status;

/// asks 100.0 x 1, 100.5 x 2, 101.0 x 3; bids 99.5 x 1, 99.0 x 2.
matching_engine make_engine() {
  matching_engine e{"sim-t"};
  e.add_market(market_rules{"BTC-PERP", ratio::from_units(1), px("0.1"), qty("0.001"),
                            qty("0.002"), usd("5"), rate("0.0002"), rate("0.0005")});
  e.asks(0) = {{px("100"), qty("1")}, {px("100.5"), qty("2")}, {px("101"), qty("3")}};
  e.bids(0) = {{px("99.5"), qty("1")}, {px("99"), qty("2")}};
  return e;
}

order_intent limit(std::string id, side sd, std::string_view p, std::string_view q,
                   time_in_force tif = time_in_force::gtc, bool reduce_only = false) {
  return order(std::move(id), "sim-t", "BTC-PERP", sd, order_type::limit, tif, px(p), qty(q),
               reduce_only);
}

order_intent market(std::string id, side sd, std::string_view q, bool reduce_only = false) {
  return order(std::move(id), "sim-t", "BTC-PERP", sd, order_type::market, time_in_force::ioc,
               {}, qty(q), reduce_only);
}

} // namespace

TEST_CASE("engine records: IOC partial fill, then the remainder is cancelled") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("i1", side::buy, "100.5", "4", time_in_force::ioc), 7, out);
  REQUIRE(out.size() == 4); // ack, 2 fills, cancel
  const auto* r = e.order_of("i1");
  REQUIRE(r != nullptr);
  CHECK(r->client_id == "i1");
  CHECK(r->venue_order_id == as<order_ack>(out[0]).venue_order_id);
  CHECK(r->symbol == "BTC-PERP");
  CHECK(r->sd == side::buy);
  CHECK(r->tif == time_in_force::ioc);
  CHECK_FALSE(r->reduce_only);
  CHECK(r->px == px("100.5"));
  CHECK(r->qty == qty("4"));
  CHECK(r->filled == qty("3"));
  CHECK(r->st == st::cancelled);
  CHECK(r->created == 7);
  CHECK(r->closed == 7);
  const auto fills = only<order_fill>(out);
  CHECK(e.fills_of("i1") == fills);
  CHECK(e.fills(0) == fills);
  // A market order records price 0; fully filled closes as filled.
  out.clear();
  e.submit(market("m1", side::buy, "1"), 9, out);
  REQUIRE(e.order_of("m1") != nullptr);
  CHECK(e.order_of("m1")->px == price{});
  CHECK(e.order_of("m1")->st == st::filled);
  CHECK(e.order_of("m1")->closed == 9);
  CHECK(e.fills(0).size() == 3);
  CHECK(e.fills(0).back() == only<order_fill>(out).at(0));
}

TEST_CASE("engine records: a resting GTC order fills as maker over later book updates") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("g1", side::buy, "99.8", "3"), 1, out);
  const auto* r = e.order_of("g1");
  REQUIRE(r != nullptr);
  CHECK(r->st == st::open);
  CHECK(r->filled == quantity{});
  CHECK(r->closed == 0);
  CHECK(e.fills_of("g1").empty());
  out.clear();
  e.asks(0) = {{px("99.8"), qty("1")}, {px("100"), qty("4")}};
  e.match_resting(0, 5, out);
  REQUIRE(only<order_fill>(out).size() == 1);
  r = e.order_of("g1");
  CHECK(r->st == st::open);
  CHECK(r->filled == qty("1"));
  CHECK(r->closed == 0);
  e.asks(0) = {{px("99.7"), qty("5")}};
  e.match_resting(0, 9, out);
  const auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 2);
  CHECK(fills[1].liq == liquidity::maker);
  CHECK(fills[1].leaves_qty.is_zero());
  r = e.order_of("g1");
  CHECK(r->st == st::filled);
  CHECK(r->filled == qty("3"));
  CHECK(r->created == 1);
  CHECK(r->closed == 9);
  CHECK(e.fills_of("g1") == fills);
  CHECK(e.open_orders(0).empty());
}

TEST_CASE("engine records: cancel, post-only reject and reuse, unknown ids") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(limit("c1", side::sell, "102", "1"), 3, out);
  e.cancel(cancel_request{"c1", "sim-t", "BTC-PERP", 4}, 4, out);
  REQUIRE(e.order_of("c1") != nullptr);
  CHECK(e.order_of("c1")->st == st::cancelled);
  CHECK(e.order_of("c1")->closed == 4);
  CHECK(e.order_of("c1")->filled == quantity{});
  const auto before = *e.order_of("c1");
  out.clear();
  e.cancel(cancel_request{"c1", "sim-t", "BTC-PERP", 6}, 6, out); // not open any more
  REQUIRE(std::holds_alternative<order_reject>(out.at(0)));
  CHECK(*e.order_of("c1") == before);

  // A rejected order is unknown, and its id may be used again.
  out.clear();
  e.submit(limit("p1", side::buy, "100", "1", time_in_force::post_only), 7, out);
  REQUIRE(std::holds_alternative<order_reject>(out.at(0)));
  CHECK(e.order_of("p1") == nullptr);
  CHECK(e.fills_of("p1").empty());
  e.submit(limit("p1", side::buy, "99.5", "1", time_in_force::post_only), 8, out);
  REQUIRE(e.order_of("p1") != nullptr);
  CHECK(e.order_of("p1")->tif == time_in_force::post_only);
  CHECK(e.order_of("p1")->st == st::open);
  CHECK(e.order_of("p1")->created == 8);

  e.submit(limit("bad", side::buy, "99.55", "1"), 9, out); // bad tick
  CHECK(e.order_of("bad") == nullptr);
  CHECK(e.order_of("nope") == nullptr);
  CHECK(e.order_of("") == nullptr);
}

TEST_CASE("engine records: reduce-only trimmed at entry, and cancelled at fill time") {
  auto e = make_engine();
  std::vector<event> out;
  e.submit(market("open", side::buy, "2"), 1, out); // long 2 (1 @ 100, 1 @ 100.5)
  REQUIRE(e.position_of(0).qty == qty("2"));
  e.submit(limit("r1", side::sell, "99", "5", time_in_force::ioc, true), 2, out);
  const auto* r = e.order_of("r1");
  REQUIRE(r != nullptr);
  CHECK(r->reduce_only);
  CHECK(r->qty == qty("2")); // trimmed to the position
  CHECK(r->filled == qty("2"));
  CHECK(r->st == st::filled);
  CHECK(r->closed == 2);
  REQUIRE(e.position_of(0).qty.is_zero());

  // Resting reduce-only: trimmed when it fills, then cancelled.
  e.asks(0) = {{px("100"), qty("5")}};
  e.bids(0) = {{px("99.5"), qty("5")}};
  e.submit(market("open2", side::buy, "1"), 3, out);
  e.submit(limit("r2", side::sell, "99.6", "1", time_in_force::gtc, true), 4, out);
  e.submit(limit("r3", side::sell, "105", "1", time_in_force::gtc, true), 4, out);
  CHECK(e.order_of("r2")->st == st::open);
  e.submit(market("half", side::sell, "0.4"), 5, out); // long 0.6 left
  out.clear();
  e.bids(0) = {{px("99.6"), qty("5")}};
  e.match_resting(0, 6, out);
  r = e.order_of("r2");
  CHECK(r->filled == qty("0.6"));
  CHECK(r->st == st::cancelled);
  CHECK(r->closed == 6);
  CHECK(e.fills_of("r2") == only<order_fill>(out));
  // r3 had nothing left to reduce once r2 flattened the position.
  CHECK(e.order_of("r3")->st == st::cancelled);
  CHECK(e.order_of("r3")->filled == quantity{});
  CHECK(e.order_of("r3")->closed == 6);
  CHECK(only<order_cancelled>(out).size() == 2);
  CHECK(e.open_orders(0).empty());
}

TEST_CASE("venue: records for IOC, cancel and post-only; start time and request count") {
  auto w = default_world_config();
  w.start_ts = t0;
  venue v{w, "sim-b"};
  CHECK(v.started_at() == 0);
  CHECK(v.requests() == 0);
  std::vector<event> out;
  // Before the world starts: counted, not started.
  v.cancel(cancel_request{"x", "sim-b", "ETH-PERP", t0 - sec}, t0 - sec, out);
  CHECK(v.requests() == 1);
  CHECK(v.started_at() == 0);
  const timestamp_ns t = t0 + 1500 * ms;
  v.advance(t, out);
  CHECK(v.started_at() == t);
  CHECK(v.start_time() == t0);
  CHECK(v.world_start() == t0);

  const auto book = v.snapshot("ETH-PERP");
  const quantity lot = v.quote_rules("ETH-PERP").lot;
  out.clear();
  v.submit(order("ioc", "sim-b", "ETH-PERP", side::buy, order_type::limit, time_in_force::ioc,
                 book.asks[0].px, book.asks[0].qty + lot),
           t, out);
  const auto* r = v.order_of("ioc");
  REQUIRE(r != nullptr);
  CHECK(r->st == st::cancelled);
  CHECK(r->filled == book.asks[0].qty);
  CHECK(r->qty == book.asks[0].qty + lot);
  CHECK(r->created == t);
  CHECK(v.fills_of("ioc") == only<order_fill>(out));
  CHECK(v.fills("ETH-PERP") == only<order_fill>(out));
  CHECK(v.fills("BTC-PERP").empty());

  const price far = book.bids[0].px - v.quote_rules("ETH-PERP").step * 3;
  v.submit(order("gtc", "sim-b", "ETH-PERP", side::buy, order_type::limit, time_in_force::gtc,
                 far, lot * 10),
           t + ms, out);
  CHECK(v.order_of("gtc")->st == st::open);
  v.cancel(cancel_request{"gtc", "sim-b", "ETH-PERP", t + 2 * ms}, t + 2 * ms, out);
  CHECK(v.order_of("gtc")->st == st::cancelled);
  CHECK(v.order_of("gtc")->closed == t + 2 * ms);
  v.submit(order("po", "sim-b", "ETH-PERP", side::buy, order_type::limit,
                 time_in_force::post_only, v.snapshot("ETH-PERP").asks[0].px, lot * 10),
           t + 3 * ms, out);
  CHECK(std::holds_alternative<order_reject>(out.back()));
  CHECK(v.order_of("po") == nullptr);
  CHECK(v.order_of("unknown") == nullptr);
  CHECK(v.fills_of("unknown").empty());
  CHECK(v.requests() == 5);
  CHECK_THROWS_AS(v.fills("XRP-PERP"), std::invalid_argument);
  CHECK_THROWS_AS(v.funding_payments("XRP-PERP"), std::invalid_argument);
}

TEST_CASE("venue: a maker fill is in the records while still on the wire") {
  const auto w = default_world_config();
  venue v{w, "sim-b"}; // 20 ms latency, 10 Hz books
  std::vector<event> out;
  timestamp_ns t = t0 + sec;
  v.advance(t, out);
  const price bid = v.snapshot("BTC-PERP").bids[0].px;
  const quantity lot = v.quote_rules("BTC-PERP").lot;
  v.submit(order("mk", "sim-b", "BTC-PERP", side::buy, order_type::limit, time_in_force::gtc,
                 bid, lot),
           t, out);
  REQUIRE(v.order_of("mk") != nullptr);
  REQUIRE(v.order_of("mk")->st == st::open);
  // The market drops 1 %: the next book update crosses our bid.
  v.set_basis("BTC-PERP", -100, 0);
  out.clear();
  while (v.order_of("mk")->filled.is_zero() && t < t0 + 2 * sec) {
    t += ms;
    v.advance(t, out);
  }
  const auto* r = v.order_of("mk");
  REQUIRE(r->st == st::filled);
  const auto fills = v.fills_of("mk");
  REQUIRE(fills.size() == 1);
  CHECK(fills[0].liq == liquidity::maker);
  CHECK(fills[0].px == bid);
  CHECK(fills[0].qty == lot);
  CHECK(r->closed == fills[0].ts);
  CHECK(fills[0].ts + 20 * ms > t);         // still on the wire ...
  CHECK(only<order_fill>(out).empty());     // ... the client has not seen it
  CHECK(v.position_of("BTC-PERP").qty == lot);
  CHECK(v.fills("BTC-PERP") == fills);
  out.clear();
  v.advance(fills[0].ts + 20 * ms, out);
  const auto released = only<order_fill>(out);
  REQUIRE(released.size() == 1);
  CHECK(released[0] == fills[0]); // exactly what the venue recorded
}

TEST_CASE("venue: funding history is every settlement, exactly as paid") {
  auto w = default_world_config();
  for (auto& vc : w.venues)
    if (vc.name == "sim-c")
      vc.funding_interval_s = 10;
  const timestamp_ns boundary = (t0 / (10 * sec) + 1) * 10 * sec;
  w.start_ts = boundary - 5 * sec;
  venue v{w, "sim-c"};
  std::vector<event> out;
  v.advance(w.start_ts, out);
  CHECK(v.funding_payments("BTC-PERP").empty());
  v.submit(order("b", "sim-c", "BTC-PERP", side::buy, order_type::market, time_in_force::ioc, {},
                 qty("0.01")),
           w.start_ts + sec, out);
  v.submit(order("s", "sim-c", "ETH-PERP", side::sell, order_type::market, time_in_force::ioc,
                 {}, qty("0.5")),
           w.start_ts + sec, out);
  out.clear();
  for (timestamp_ns t = w.start_ts + sec; t <= boundary + 31 * sec; t += 250 * ms)
    v.advance(t, out);
  const auto paid = only<funding_payment>(out);
  for (const char* sym : {"BTC-PERP", "ETH-PERP"}) {
    CAPTURE(sym);
    std::vector<funding_payment> mine;
    money sum;
    for (const auto& p : paid)
      if (p.symbol == sym) {
        mine.push_back(p);
        sum += p.amount;
      }
    CHECK(mine.size() == 4); // boundary, +10 s, +20 s, +30 s
    CHECK(v.funding_payments(sym) == mine);
    CHECK(v.position_of(sym).funding == sum);
  }
  CHECK(v.funding_payments("BTC-PERP")[1].ts == boundary + 10 * sec);
  CHECK(v.funding_payments("SOL-PERP").empty());
}
