// The scanner's routes (issue 7) at the routing level: top spreads with
// sort, filters, per-venue fallback leverage and stale rows; funding;
// signals; history; and their query errors.
#include <doctest/doctest.h>

#include <string>

#include <simdjson.h>

#include "core/scanner/market_scanner.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/status_board.hpp"
#include "tests/core/scanner/scanner_fixture.hpp"
#include "web/board_stream.hpp"
#include "web/control_api.hpp"
#include "web/routes.hpp"

using namespace xarb;
using namespace xarb::scanner::test;

namespace {

constexpr timestamp_ns ms = 1'000'000;

struct market_fixture {
  status_board board;
  scan_board scans;
  control_api api;
  scanner::market_scanner sc;
  simdjson::dom::parser parser;
  std::vector<history_query> asked;

  market_fixture() {
    // va: leverage 20, 1 h funding; vb: publishes no leverage, 8 h funding;
    // vc: stale (no update for 10 s).
    sc.set_instruments("va", {spec("va", "BTCUSDT", "BTC", "1", 20, 3600),
                              spec("va", "ETHUSDT", "ETH", "1", 20, 3600)});
    sc.set_instruments("vb", {spec("vb", "BTCUSDT", "BTC", "1", 0),
                              spec("vb", "ETHUSDT", "ETH", "1", 0)});
    sc.set_instruments("vc", {spec("vc", "BTCUSDT", "BTC", "1", 50)});
    for (auto* v : {"va", "vb", "vc"})
      sc.set_venue_state(v, health_state::ready, t0);
    sc.on_top(top("vc", "BTC-PERP", "100", "100.01", t0 - 10'000 * ms));
    sc.on_top(top("va", "BTC-PERP", "100.3", "100.31", t0)); // va rich: +~29 bp
    sc.on_top(top("vb", "BTC-PERP", "100", "100.01", t0));
    sc.on_top(top("va", "ETH-PERP", "100.1", "100.11", t0)); // +~9 bp
    sc.on_top(top("vb", "ETH-PERP", "100", "100.01", t0));
    sc.on_funding(rate("va", "BTC-PERP", "0.0001", 3600)); // 8 bp per 8 h
    sc.on_funding(rate("vb", "BTC-PERP", "0.0001", 8 * 3600));
    scans.publish(std::shared_ptr<const scanner::scan_snapshot>(sc.refresh(t0)));
    scanner_settings s;
    s.enabled = true;
    s.top_n = 5;
    scans.set_settings(s);
    api.scan = &scans;
    api.history = [this](const history_query& q) -> expected<std::string> {
      asked.push_back(q);
      if (q.symbol == "NOPE-PERP")
        return error_info{error_code::unknown_symbol, "no history for NOPE-PERP"};
      if (q.from == "yesterday")
        return error_info{error_code::parse_error, "from: not a time"};
      return std::string{R"({"symbol":")"} + q.symbol + R"(","samples":0})";
    };
  }

  http_reply get(std::string_view target) {
    http_request req{"GET", target, {}, {}, {}, "127.0.0.1"};
    return route_request(req, board, nullptr, t0 + 100 * ms, &api);
  }
  simdjson::dom::element json(const http_reply& r) {
    simdjson::dom::element e;
    REQUIRE_MESSAGE(r.status == 200, r.body);
    REQUIRE_MESSAGE(parser.parse(r.body).get(e) == simdjson::SUCCESS, r.body);
    return e;
  }
  std::string error_message(const http_reply& r) {
    simdjson::dom::element e;
    REQUIRE(parser.parse(r.body).get(e) == simdjson::SUCCESS);
    return std::string{std::string_view(e["message"])};
  }
};

} // namespace

TEST_SUITE("api") {

TEST_CASE_FIXTURE(market_fixture, "top spreads: ranked rows, stale rows apart, fallback leverage") {
  auto doc = json(get("/api/market/top-spreads"));
  CHECK(bool(doc["ready"]));
  CHECK(std::string_view(doc["sort"]) == "notional");
  CHECK(uint64_t(doc["limit"]) == 5); // [scanner] top_n
  CHECK(uint64_t(doc["symbols"]) == 2);
  CHECK(uint64_t(doc["rows_total"]) == 4); // BTC x 3 pairs, ETH x 1
  CHECK(uint64_t(doc["ranked"]) == 2);
  CHECK(uint64_t(doc["stale_rows"]) == 2); // vc's rows
  CHECK(double(doc["age_ms"]) == doctest::Approx(100));
  auto rows = simdjson::dom::array(doc["rows"]);
  REQUIRE(rows.size() == 2);
  auto first = rows.at(0);
  CHECK(uint64_t(first["rank"]) == 1);
  CHECK(std::string_view(first["symbol"]) == "BTC-PERP");
  CHECK(std::string_view(first["sell_venue"]) == "va");
  CHECK(std::string_view(first["buy_venue"]) == "vb");
  CHECK(std::string_view(first["bid_a"]) == "100.3"); // exact decimals
  CHECK(int64_t(first["leverage_b"]) == 1); // vb publishes none: default fallback
  CHECK(bool(first["leverage_fallback"]));
  CHECK(double(first["funding_a_bps"]) == doctest::Approx(8.0));
  CHECK(double(first["funding_b_bps"]) == doctest::Approx(1.0));
  CHECK(double(first["funding_diff_bps"]) == doctest::Approx(7.0)); // short va, long vb
  auto stale = simdjson::dom::array(doc["stale"]);
  REQUIRE(stale.size() == 2);
  for (auto r : stale) {
    CHECK(r["rank"].is_null());
    CHECK(bool(r["stale"]));
    CHECK(std::string_view(simdjson::dom::array(r["stale_venues"]).at(0)) == "vc");
  }
  auto venues = simdjson::dom::array(doc["venues"]);
  REQUIRE(venues.size() == 3);
  CHECK(bool(venues.at(2)["stale"]));

  // Seed 000's query: vb at 3x; the notional spread follows.
  auto lev = json(get("/api/market/top-spreads?limit=1&vb_fallback_leverage=3&force_refresh=true"));
  auto row = simdjson::dom::array(lev["rows"]).at(0);
  CHECK(int64_t(row["leverage"]) == 3);
  CHECK(double(row["notional_spread_bps"])
        == doctest::Approx(double(row["spread_bps"]) * 3).epsilon(1e-3));
  CHECK(int64_t(simdjson::dom::array(lev["venues"]).at(1)["leverage_fallback"]) == 3);

  // Sort keys, filters, stale rows left out.
  CHECK(std::string_view(json(get("/api/market/top-spreads?sort=spread"))["sort"]) == "spread");
  auto eth = json(get("/api/market/top-spreads?symbol=ETH-PERP"));
  CHECK(uint64_t(eth["rows_total"]) == 1);
  auto on_vc = json(get("/api/market/top-spreads?venue=vc&include_stale=false"));
  CHECK(uint64_t(on_vc["rows_total"]) == 2);
  CHECK(simdjson::dom::array(on_vc["rows"]).size() == 0);
  CHECK(simdjson::dom::array(on_vc["stale"]).size() == 0);
}

TEST_CASE_FIXTURE(market_fixture, "top spreads refuses bad queries with a clear message") {
  auto bad = [&](std::string_view target, std::string_view says) {
    auto r = get(target);
    CAPTURE(target);
    CHECK(r.status == 400);
    CHECK(error_message(r).find(says) != std::string::npos);
  };
  bad("/api/market/top-spreads?sort=profit", "sort must be");
  bad("/api/market/top-spreads?limit=0", "limit");
  bad("/api/market/top-spreads?limit=501", "limit");
  bad("/api/market/top-spreads?vb_fallback_leverage=0", "vb_fallback_leverage");
  bad("/api/market/top-spreads?vb_fallback_leverage=x", "vb_fallback_leverage");
  bad("/api/market/top-spreads?vb_fallback_leverage=1001", "1..1000");
  bad("/api/market/top-spreads?include_stale=maybe", "include_stale");
  bad("/api/market/top-spreads?_fallback_leverage=2", "unknown query parameter");
  bad("/api/market/top-spreads?limt=3", "unknown query parameter");
  bad("/api/arbitrage/signals?after=-1", "after");
  bad("/api/market/funding?limit=5001", "limit");
}

TEST_CASE_FIXTURE(market_fixture, "funding: every venue per basis interval, widest first") {
  auto doc = json(get("/api/market/funding"));
  CHECK(uint64_t(doc["funding_basis_hours"]) == 8);
  auto rows = simdjson::dom::array(doc["rows"]);
  REQUIRE(rows.size() == 2);
  auto btc = rows.at(0);
  CHECK(std::string_view(btc["symbol"]) == "BTC-PERP");
  CHECK(double(btc["max_diff_bps"]) == doctest::Approx(7.0));
  CHECK(double(btc["max_diff_apr_pct"]) == doctest::Approx(7.0 / 100 * 1095));
  CHECK(std::string_view(btc["short_venue"]) == "va");
  CHECK(std::string_view(btc["long_venue"]) == "vb");
  auto venues = simdjson::dom::array(btc["venues"]);
  REQUIRE(venues.size() == 3);
  CHECK(std::string_view(venues.at(0)["rate"]) == "0.0001");
  CHECK(int64_t(venues.at(0)["interval_s"]) == 3600);
  CHECK(venues.at(2)["rate"].is_null()); // vc never published one
  CHECK(rows.at(1)["max_diff_bps"].is_null()); // ETH: no rates
  CHECK(simdjson::dom::array(json(get("/api/market/funding?symbol=ETH-PERP"))["rows"]).size()
        == 1);
}

TEST_CASE_FIXTURE(market_fixture, "signals: newest first, after and limit") {
  CHECK(simdjson::dom::array(json(get("/api/arbitrage/signals"))["signals"]).size() == 0);
  for (uint64_t i = 1; i <= 3; ++i) {
    scanner::arb_signal s;
    s.seq = i;
    s.ts = t0 + static_cast<timestamp_ns>(i);
    s.symbol = "BTC-PERP";
    s.sell_venue = "va";
    s.buy_venue = "vb";
    s.spread_bps = 61 + static_cast<double>(i);
    s.samples = 3;
    scans.add_signal(s);
  }
  auto doc = json(get("/api/arbitrage/signals"));
  CHECK(double(doc["threshold_bps"]) == 60);
  CHECK(int64_t(doc["samples"]) == 3);
  CHECK(int64_t(doc["cooldown_s"]) == 30);
  CHECK(uint64_t(doc["kept"]) == 50);
  auto sig = simdjson::dom::array(doc["signals"]);
  REQUIRE(sig.size() == 3);
  CHECK(uint64_t(sig.at(0)["seq"]) == 3);
  CHECK(sig.at(0)["funding_diff_bps"].is_null());
  CHECK(simdjson::dom::array(json(get("/api/arbitrage/signals?after=2"))["signals"]).size() == 1);
  CHECK(simdjson::dom::array(json(get("/api/arbitrage/signals?limit=2"))["signals"]).size() == 2);
}

TEST_CASE_FIXTURE(market_fixture, "history: the query reaches the store; its errors map to statuses") {
  auto ok = get("/api/history/BTC-PERP?venue=va&from=2026-11-21T00:00:00Z&to=1800000000000000000&limit=10");
  CHECK(ok.status == 200);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].symbol == "BTC-PERP");
  CHECK(asked[0].venue == "va");
  CHECK(asked[0].from == "2026-11-21T00:00:00Z");
  CHECK(asked[0].to == "1800000000000000000");
  CHECK(asked[0].limit == 10);
  CHECK(get("/api/history/NOPE-PERP").status == 404);
  CHECK(get("/api/history/BTC-PERP?from=yesterday").status == 400);
  CHECK(get("/api/history/BTC-PERP?limit=10001").status == 400);
  CHECK(get("/api/history/BTC-PERP?symbol=x").status == 400);
  api.history = nullptr;
  CHECK(get("/api/history/BTC-PERP").status == 503);
}

TEST_CASE_FIXTURE(market_fixture, "stream topics: rankings (keyed) and signals (log)") {
  auto src = make_board_stream(board, [] { return t0; }, &scans);
  auto items = src->keyed("rankings");
  REQUIRE(items.size() == 2); // the ranked rows only, never the stale ones
  CHECK(items[0].id == "BTC-PERP/va/vb");
  CHECK(items[0].json.find(R"("rank":1)") != std::string::npos);
  CHECK(items[1].id == "ETH-PERP/va/vb");
  CHECK(src->log("signals", 0, 10).empty());
  scanner::arb_signal s;
  s.seq = 1;
  s.symbol = "BTC-PERP";
  scans.add_signal(s);
  s.seq = 2;
  scans.add_signal(s);
  auto entries = src->log("signals", 0, 10);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].seq == 1);
  CHECK(entries[1].json.find(R"("seq":2)") != std::string::npos);
  CHECK(src->log("signals", 1, 10).size() == 1);
  CHECK(src->log("signals", 0, 1).at(0).seq == 2); // the newest when limited
  // A node without a scanner has empty topics.
  auto none = make_board_stream(board, [] { return t0; });
  CHECK(none->keyed("rankings").empty());
  CHECK(none->log("signals", 0, 10).empty());
}

TEST_CASE("top spreads before the first refresh: empty, not ready") {
  status_board board;
  scan_board scans;
  control_api api;
  api.scan = &scans;
  http_request req{"GET", "/api/market/top-spreads", {}, {}, {}, "127.0.0.1"};
  auto r = route_request(req, board, nullptr, t0, &api);
  CHECK(r.status == 200);
  CHECK(r.body.find(R"("ready":false)") != std::string::npos);
  CHECK(r.body.find(R"("rows":[])") != std::string::npos);
}

} // TEST_SUITE
