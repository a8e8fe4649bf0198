// core/scanner: which symbols are compared (units), spreads, leverage,
// funding normalisation, carry, ranking keys, staleness.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/scanner/market_scanner.hpp"
#include "core/scanner/ranking.hpp"
#include "tests/core/scanner/scanner_fixture.hpp"

using namespace xarb;
using namespace xarb::scanner;
using namespace xarb::scanner::test;

TEST_CASE("only symbols on two venues or more with the same units are compared") {
  market_scanner sc;
  // PEPE: 1000PEPEUSDT (1000 coins, x1) and PEPE-USDT-SWAP (1 coin, x0.001)
  // are the same canonical unit; kPEPE x1 on sim-c too.
  sc.set_instruments("binance", {spec("binance", "BTCUSDT", "BTC"),
                                 spec("binance", "1000PEPEUSDT", "PEPE"),
                                 spec("binance", "SOLUSDT", "SOL")});
  sc.set_instruments("okx", {spec("okx", "BTC-USDT-SWAP", "BTC"),
                             spec("okx", "PEPE-USDT-SWAP", "PEPE", "0.001")});
  sc.set_instruments("hyperliquid", {spec("hyperliquid", "kPEPE", "PEPE")});
  for (auto* v : {"binance", "okx", "hyperliquid"})
    sc.set_venue_state(v, health_state::ready, t0);
  auto snap = sc.refresh(t0);
  REQUIRE(snap->symbols.size() == 2); // SOL is on one venue only
  CHECK(snap->symbols[0].symbol == "BTC-PERP");
  CHECK(snap->symbols[1].symbol == "PEPE-PERP");
  CHECK(snap->symbols[1].venues.size() == 3);
  CHECK(sc.problems().empty());
  CHECK(snap->venues.size() == 3);
  CHECK(snap->venues[0].name == "binance"); // sorted by name
  CHECK(snap->rows.empty());                // no quotes yet

  // A venue calling PEPEUSDT (1 coin) the same contract with multiplier 1
  // would compare a 1-PEPE price with a 1000-PEPE price: left out.
  sc.set_instruments("bybit", {spec("bybit", "PEPEUSDT", "PEPE")});
  snap = sc.refresh(t0);
  REQUIRE(sc.problems().size() == 1);
  CHECK(sc.problems()[0].find("bybit PEPE-PERP") == 0);
  CHECK(sc.problems()[0].find("different unit") != std::string::npos);
  CHECK(snap->symbols[1].venues.size() == 3);
  for (auto& q : snap->symbols[1].venues)
    CHECK(snap->venue_name(q) != "bybit");

  // A native symbol that is not the canonical one claimed is left out.
  sc.set_instruments("bybit", {spec("bybit", "ETHUSDT", "BTC")});
  snap = sc.refresh(t0);
  REQUIRE(sc.problems().size() == 1);
  CHECK(sc.problems()[0].find("is ETH-PERP") != std::string::npos);
}

TEST_CASE("executable spreads both ways, fees, leverage and notional spread") {
  market_scanner sc{params_with_fallback()};
  two_venues(sc, /*lev_a=*/20, /*lev_b=*/10);
  sc.on_top(top("va", "BTC-PERP", "101", "102", t0));
  sc.on_top(top("vb", "BTC-PERP", "99", "100", t0));
  auto snap = sc.refresh(t0 + 1'000'000);
  REQUIRE(snap->rows.size() == 1);
  const auto& row = snap->rows[0];
  // mid = (101 + 102 + 99 + 100) / 4 = 100.5
  CHECK(row.spread_ab_bps == doctest::Approx(1e4 * (101.0 - 100.0) / 100.5));
  CHECK(row.spread_ba_bps == doctest::Approx(1e4 * (99.0 - 102.0) / 100.5));
  CHECK(row.fees_bps == doctest::Approx(2 * (5.0 + 4.0))); // taker 5 bp + 4 bp, in and out
  CHECK_FALSE(row.stale);
  CHECK(snap->quote_a(row).age_ns == 1'000'000);

  rank_query q;
  q.sort = sort_key::notional;
  auto r = rank(*snap, q);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].sell_a);
  CHECK(r.rows[0].leverage == 10);
  CHECK_FALSE(r.rows[0].leverage_fallback);
  CHECK(r.rows[0].notional_bps == doctest::Approx(row.spread_ab_bps * 10));
  CHECK(r.rows_total == 1);
  CHECK(r.ranked == 1);
}

TEST_CASE("a venue that publishes no leverage uses the query's fallback, then the config's") {
  market_scanner sc{params_with_fallback()}; // vb -> 3, others -> 2
  two_venues(sc, 20, 0);
  sc.on_top(top("va", "BTC-PERP", "101", "102", t0));
  sc.on_top(top("vb", "BTC-PERP", "99", "100", t0));
  auto snap = sc.refresh(t0);
  rank_query q;
  auto r = rank(*snap, q);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].leverage_b == 3);
  CHECK(r.rows[0].leverage == 3);
  CHECK(r.rows[0].leverage_fallback);
  q.fallback_leverage["vb"] = 5; // ?vb_fallback_leverage=5
  r = rank(*snap, q);
  CHECK(r.rows[0].leverage == 5);
  CHECK(r.rows[0].notional_bps == doctest::Approx(r.rows[0].spread_bps * 5));
  q.fallback_leverage["vb"] = 50; // the other venue's own 20 is the min
  r = rank(*snap, q);
  CHECK(r.rows[0].leverage == 20);
  auto p = params_with_fallback();
  p.fallback_leverage.clear();
  sc.set_params(p);
  snap = sc.refresh(t0);
  r = rank(*snap, rank_query{});
  CHECK(r.rows[0].leverage == 2); // default_fallback_leverage
}

TEST_CASE("funding is normalised to one interval; differential, APR and carry") {
  scanner_params p;
  p.funding_basis_hours = 8;
  p.carry_horizon_hours = 24;
  market_scanner sc{p};
  two_venues(sc, 10, 10, /*interval_a=*/3600, /*interval_b=*/8 * 3600);
  sc.on_top(top("va", "BTC-PERP", "100", "100.01", t0));
  sc.on_top(top("vb", "BTC-PERP", "100", "100.01", t0));
  auto snap = sc.refresh(t0);
  auto r = rank(*snap, rank_query{});
  REQUIRE(r.rows.size() == 1);
  CHECK_FALSE(r.rows[0].funding_diff_bps.has_value()); // no rates yet
  CHECK_FALSE(r.rows[0].funding_apr_pct.has_value());
  CHECK(r.rows[0].carry_bps == doctest::Approx(r.rows[0].spread_bps - 18.0));

  // va: 0.5 bp per hour = 4 bp per 8 h; vb: 1 bp per 8 h.
  sc.on_funding(rate("va", "BTC-PERP", "0.00005", 3600));
  sc.on_funding(rate("vb", "BTC-PERP", "0.0001", 8 * 3600));
  snap = sc.refresh(t0);
  const auto& qa = snap->quote_a(snap->rows[0]);
  CHECK(qa.funding_basis_bps == doctest::Approx(4.0));
  CHECK(snap->quote_b(snap->rows[0]).funding_basis_bps == doctest::Approx(1.0));
  CHECK(funding_basis_bps(ratio::from_raw(100'000), 4 * 3600, 8) == doctest::Approx(2.0));

  rank_query q;
  q.sort = sort_key::funding;
  r = rank(*snap, q);
  // Short va (receives 4) and long vb (pays 1): 3 bp per 8 h.
  CHECK(r.rows[0].sell_a);
  REQUIRE(r.rows[0].funding_diff_bps.has_value());
  CHECK(*r.rows[0].funding_diff_bps == doctest::Approx(3.0));
  CHECK(*r.rows[0].funding_apr_pct == doctest::Approx(3.0 / 100 * 3 * 365)); // 32.85 %
  // carry = spread - fees + 3 bp x (24 h / 8 h)
  CHECK(r.rows[0].carry_bps == doctest::Approx(r.rows[0].spread_bps - 18.0 + 9.0));

  // Reverse the rates: the funding key now prefers the other direction.
  sc.on_funding(rate("va", "BTC-PERP", "-0.00005", 3600));
  snap = sc.refresh(t0);
  r = rank(*snap, q);
  CHECK_FALSE(r.rows[0].sell_a);
  CHECK(*r.rows[0].funding_diff_bps == doctest::Approx(1.0 + 4.0));
}

TEST_CASE("each sort key ranks by its own value, best first, at most limit") {
  market_scanner sc;
  three_symbols(sc);
  // BTC: +20 bp spread, leverage 2; ETH: +10 bp, leverage 50; SOL: +3 bp one
  // way (-5 bp the other) with 40 bp of funding per 8 h the other way.
  sc.on_top(top("va", "BTC-PERP", "100.2", "100.21", t0));
  sc.on_top(top("vb", "BTC-PERP", "99.99", "100", t0));
  sc.on_top(top("va", "ETH-PERP", "100.1", "100.11", t0));
  sc.on_top(top("vb", "ETH-PERP", "99.99", "100", t0));
  sc.on_top(top("va", "SOL-PERP", "100", "100.01", t0));
  sc.on_top(top("vb", "SOL-PERP", "100.04", "100.05", t0));
  sc.on_funding(rate("va", "SOL-PERP", "0.002", 8 * 3600));
  sc.on_funding(rate("vb", "SOL-PERP", "-0.002", 8 * 3600));
  for (auto* s : {"BTC-PERP", "ETH-PERP"}) {
    sc.on_funding(rate("va", s, "0", 8 * 3600));
    sc.on_funding(rate("vb", s, "0", 8 * 3600));
  }
  auto snap = sc.refresh(t0);
  auto order = [&](sort_key k, std::size_t limit = 10) {
    rank_query q;
    q.sort = k;
    q.limit = limit;
    std::vector<std::string> out;
    for (auto& r : rank(*snap, q).rows)
      out.push_back(snap->symbols[r.row->symbol].symbol);
    return out;
  };
  using v = std::vector<std::string>;
  CHECK(order(sort_key::spread) == v{"BTC-PERP", "ETH-PERP", "SOL-PERP"});
  CHECK(order(sort_key::notional) == v{"ETH-PERP", "BTC-PERP", "SOL-PERP"});
  CHECK(order(sort_key::funding) == v{"SOL-PERP", "BTC-PERP", "ETH-PERP"});
  CHECK(order(sort_key::carry) == v{"SOL-PERP", "BTC-PERP", "ETH-PERP"});
  CHECK(order(sort_key::spread, 2) == v{"BTC-PERP", "ETH-PERP"});

  rank_query q;
  q.symbol = "ETH-PERP";
  auto r = rank(*snap, q);
  CHECK(r.rows_total == 1);
  REQUIRE(r.rows.size() == 1);
  CHECK(snap->symbols[r.rows[0].row->symbol].symbol == "ETH-PERP");
  q = {};
  q.venue = "nope";
  CHECK(rank(*snap, q).rows_total == 0);

  CHECK(parse_sort_key("carry").value() == sort_key::carry);
  CHECK_FALSE(parse_sort_key("profit"));
}

TEST_CASE("stale quotes: marked, never ranked") {
  scanner_params p;
  p.stale_after_ns = 5'000'000'000;
  market_scanner sc{p};
  three_venues(sc);
  for (auto* v : {"va", "vb", "vc"})
    sc.on_top(top(v, "BTC-PERP", "100", "100.01", t0));
  auto snap = sc.refresh(t0 + 1'000'000'000);
  CHECK(snap->rows.size() == 3);
  CHECK(snap->stale_rows == 0);

  // vc stops updating: 6 s later its quote is too old.
  const timestamp_ns t1 = t0 + 6'000'000'000;
  sc.on_top(top("va", "BTC-PERP", "100", "100.01", t1));
  sc.on_top(top("vb", "BTC-PERP", "100", "100.01", t1));
  snap = sc.refresh(t1);
  CHECK(snap->stale_rows == 2);
  auto r = rank(*snap, rank_query{});
  CHECK(r.ranked == 1);
  REQUIRE(r.rows.size() == 1);
  CHECK(snap->venue_name(snap->quote_a(*r.rows[0].row)) == "va");
  CHECK(snap->venue_name(snap->quote_b(*r.rows[0].row)) == "vb");
  REQUIRE(r.stale.size() == 2);
  for (auto& s : r.stale)
    CHECK(s.row->stale);
  CHECK(snap->venues[2].name == "vc");
  CHECK(snap->venues[2].stale);
  CHECK(snap->venues[2].quotes == 0);
  CHECK_FALSE(snap->venues[0].stale);

  // A fresh but degraded session is stale too; so is an unsynced book.
  sc.on_top(top("vc", "BTC-PERP", "100", "100.01", t1));
  sc.set_venue_state("vc", health_state::degraded, t1);
  CHECK(sc.refresh(t1)->stale_rows == 2);
  sc.set_venue_state("vc", health_state::ready, t1);
  CHECK(sc.refresh(t1)->stale_rows == 0);
  sc.on_unsynced("vc", "BTC-PERP");
  CHECK(sc.refresh(t1)->stale_rows == 2);
  // A crossed top is unusable until the next good one.
  sc.on_top(top("vc", "BTC-PERP", "100.02", "100.01", t1));
  CHECK(sc.refresh(t1)->stale_rows == 2);
  sc.on_top(top("vc", "BTC-PERP", "100", "100.01", t1));
  CHECK(sc.refresh(t1)->stale_rows == 0);
  rank_query none;
  none.stale_limit = 0;
  sc.on_unsynced("vc", "BTC-PERP");
  r = rank(*sc.refresh(t1), none);
  CHECK(r.stale_rows == 2);
  CHECK(r.stale.empty());
}

TEST_CASE("new instruments from a venue reset its quotes; unknown symbols are ignored") {
  market_scanner sc;
  two_venues(sc, 10, 10);
  sc.on_top(top("va", "BTC-PERP", "100", "100.01", t0));
  sc.on_top(top("vb", "BTC-PERP", "100", "100.01", t0));
  CHECK(sc.refresh(t0)->rows.size() == 1);
  sc.on_top(top("va", "DOGE-PERP", "1", "1.01", t0));
  sc.on_funding(rate("zz", "BTC-PERP", "0.0001", 3600));
  CHECK(sc.ignored_updates() == 2);
  sc.set_instruments("va", {spec("va", "BTC", "BTC")}); // the session restarted
  CHECK(sc.refresh(t0)->rows.empty());
}
