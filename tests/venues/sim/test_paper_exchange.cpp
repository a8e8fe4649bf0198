#include <doctest/doctest.h>

#include "venues/sim/account.hpp"
#include "venues/sim/paper_exchange.hpp"

using namespace xarb;
using namespace xarb::sim;

namespace {

price px(const char* s) { return price::from_string(s).value(); }
quantity qty(const char* s) { return quantity::from_string(s).value(); }

instrument_spec btc_spec() {
  instrument_spec s;
  s.venue = "binance";
  s.native_symbol = "BTCUSDT";
  s.symbol = "BTC-PERP";
  s.base = "BTC";
  s.quote = "USDT";
  s.tick = px("0.1");
  s.lot = qty("0.001");
  s.min_qty = qty("0.001");
  s.min_notional = money::from_units(5);
  s.maker_fee = ratio::from_string("0.0002").value();
  s.taker_fee = ratio::from_string("0.0005").value();
  s.funding_interval_s = 8 * 3600;
  return s;
}

order_book live_book(const char* bid, const char* ask, uint64_t seq = 1) {
  book_snapshot s;
  s.seq = seq;
  s.bids = {{px(bid), qty("0.5")}, {price::from_raw(px(bid).raw() - 100'000'000), qty("2")}};
  s.asks = {{px(ask), qty("0.3")}, {price::from_raw(px(ask).raw() + 100'000'000), qty("1")}};
  order_book b;
  REQUIRE(b.apply(s) == error_code::none);
  return b;
}

order_intent order(const char* id, side sd, order_type type, time_in_force tif,
                   const char* price_text, const char* size) {
  order_intent o;
  o.client_id = id;
  o.venue = "binance";
  o.symbol = "BTC-PERP";
  o.sd = sd;
  o.type = type;
  o.tif = tif;
  o.px = price_text ? px(price_text) : price{};
  o.qty = qty(size);
  return o;
}

template <class T>
std::vector<T> only(const std::vector<event>& events) {
  std::vector<T> out;
  for (auto& e : events)
    if (auto* x = std::get_if<T>(&e))
      out.push_back(*x);
  return out;
}

} // namespace

TEST_CASE("a taker order walks the live book level by level with the venue's taker fee") {
  paper_exchange ex("binance");
  std::vector<instrument_spec> specs{btc_spec()};
  ex.add_instruments(specs);
  CHECK(ex.lists("BTC-PERP"));
  auto book = live_book("50000", "50000.5");
  std::vector<event> out;
  ex.submit(order("c1", side::buy, order_type::market, time_in_force::ioc, nullptr, "0.5"),
            &book, 1000, out);
  auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 2);
  CHECK(fills[0].px == px("50000.5"));
  CHECK(fills[0].qty == qty("0.3"));
  CHECK(fills[0].liq == liquidity::taker);
  CHECK(fills[1].px == px("50000.6"));
  CHECK(fills[1].qty == qty("0.2"));
  CHECK(fills[1].leaves_qty.is_zero());
  // fee = 50000.5 x 0.3 x 0.0005 = 7.500075
  CHECK(fills[0].fee == money::from_string("7.500075").value());
  CHECK(ex.position_of("BTC-PERP").qty == qty("0.5"));
  CHECK(ex.exchange_time() == 1000);
  // The live book itself is not moved by our paper fills.
  CHECK(book.best_ask()->qty == qty("0.3"));
}

TEST_CASE("the venue's rules reject like the venue; no trusted book, no liquidity") {
  paper_exchange ex("binance");
  std::vector<instrument_spec> specs{btc_spec()};
  ex.add_instruments(specs);
  auto book = live_book("50000", "50000.5");
  std::vector<event> out;
  ex.submit(order("t1", side::buy, order_type::limit, time_in_force::gtc, "50000.05", "0.01"),
            &book, 1, out);
  ex.submit(order("t2", side::buy, order_type::limit, time_in_force::gtc, "50000", "0.0005"),
            &book, 2, out);
  ex.submit(order("t3", side::buy, order_type::limit, time_in_force::gtc, "40000", "0.0001"),
            &book, 3, out);
  ex.submit(order("t4", side::buy, order_type::market, time_in_force::ioc, nullptr, "0.01"),
            nullptr, 4, out);
  auto rejects = only<order_reject>(out);
  REQUIRE(rejects.size() == 4);
  CHECK(rejects[0].code == error_code::bad_tick);
  CHECK(rejects[1].code == error_code::bad_lot);
  CHECK(rejects[2].code == error_code::bad_lot);
  CHECK(rejects[3].code == error_code::no_liquidity);
  order_book unsynced;
  out.clear();
  ex.submit(order("t5", side::sell, order_type::market, time_in_force::ioc, nullptr, "0.01"),
            &unsynced, 5, out);
  REQUIRE(only<order_reject>(out).size() == 1);
  CHECK(only<order_reject>(out)[0].code == error_code::no_liquidity);
}

TEST_CASE("a resting order fills as maker when the live book crosses it") {
  paper_exchange ex("binance");
  std::vector<instrument_spec> specs{btc_spec()};
  ex.add_instruments(specs);
  auto book = live_book("50000", "50000.5");
  std::vector<event> out;
  ex.submit(order("m1", side::buy, order_type::limit, time_in_force::post_only, "49999", "0.2"),
            &book, 10, out);
  CHECK(only<order_ack>(out).size() == 1);
  CHECK(only<order_fill>(out).empty());
  CHECK(ex.open_orders("BTC-PERP").size() == 1);
  out.clear();
  auto lower = live_book("49998", "49999", 2); // asks came down to our bid
  ex.on_book("BTC-PERP", lower, 20, out);
  auto fills = only<order_fill>(out);
  REQUIRE(fills.size() == 1);
  CHECK(fills[0].px == px("49999"));
  CHECK(fills[0].qty == qty("0.2"));
  CHECK(fills[0].liq == liquidity::maker);
  CHECK(fills[0].ts == 20);
  // maker fee 49999 x 0.2 x 0.0002 = 1.99996
  CHECK(fills[0].fee == money::from_string("1.99996").value());
  CHECK(ex.open_orders("BTC-PERP").empty());
  // A post-only that would cross is refused; cancel of an unknown order too.
  out.clear();
  ex.submit(order("m2", side::buy, order_type::limit, time_in_force::post_only, "49999", "0.1"),
            &lower, 30, out);
  REQUIRE(only<order_reject>(out).size() == 1);
  CHECK(only<order_reject>(out)[0].code == error_code::post_only_would_cross);
  out.clear();
  ex.cancel(cancel_request{"nope", "binance", "BTC-PERP", 31}, 31, out);
  REQUIRE(only<order_reject>(out).size() == 1);
  CHECK(only<order_reject>(out)[0].code == error_code::unknown_order);
}

TEST_CASE("funding settles once at the venue's funding time with its rate and mark") {
  paper_exchange ex("binance");
  std::vector<instrument_spec> specs{btc_spec()};
  ex.add_instruments(specs);
  auto book = live_book("50000", "50000.5");
  std::vector<event> out;
  ex.submit(order("f1", side::sell, order_type::market, time_in_force::ioc, nullptr, "0.1"),
            &book, 100, out);
  CHECK(ex.position_of("BTC-PERP").qty == qty("-0.1"));
  funding_rate r;
  r.venue = "binance";
  r.symbol = "BTC-PERP";
  r.rate = ratio::from_string("0.0001").value();
  r.next_funding_ts = 1000;
  ex.on_funding(r, px("50010"));
  out.clear();
  ex.advance(999, out);
  CHECK(out.empty());
  ex.advance(1000, out);
  auto pays = only<funding_payment>(out);
  REQUIRE(pays.size() == 1);
  // A short receives a positive rate: 50010 x 0.1 x 0.0001 = 0.5001
  CHECK(pays[0].amount == money::from_string("0.5001").value());
  CHECK(pays[0].mark == px("50010"));
  CHECK(pays[0].ts == 1000);
  CHECK(pays[0].position == qty("-0.1"));
  out.clear();
  ex.advance(2000, out); // the same funding time is never settled twice
  CHECK(out.empty());
  CHECK(ex.funding_payments("BTC-PERP").size() == 1);
  CHECK(ex.position_of("BTC-PERP").funding == money::from_string("0.5001").value());
}

TEST_CASE("the paper account answers reconciliation queries like the simulated venue") {
  paper_exchange ex("binance");
  std::vector<instrument_spec> specs{btc_spec()};
  ex.add_instruments(specs);
  auto book = live_book("50000", "50000.5");
  std::vector<event> out;
  ex.submit(order("node1-p1-1", side::buy, order_type::limit, time_in_force::gtc, "49000", "0.01"),
            &book, 1, out);
  ex.submit(order("node1-p1-2", side::buy, order_type::market, time_in_force::ioc, nullptr, "0.01"),
            &book, 2, out);
  account_query q;
  q.symbol = "BTC-PERP";
  q.client_ids = {"node1-p1-2", "never-sent"};
  q.id_prefix = "node1-";
  auto r = account_of(ex, q, 3);
  CHECK(r.venue == "binance");
  CHECK(r.pos.qty == qty("0.01"));
  REQUIRE(r.orders.size() == 2);
  CHECK(r.orders[0].known);
  CHECK_FALSE(r.orders[0].open);
  CHECK(r.orders[0].fills.size() == 1);
  CHECK_FALSE(r.orders[1].known);
  REQUIRE(r.orphans.size() == 1);
  CHECK(r.orphans[0].client_id == "node1-p1-1");
  CHECK(r.orphans[0].open);
}
