// Aster codec (Binance-style on /fapi/v3) and mock protocol: every public
// sample, info and plan, mock round trips, the gap rule, recorded frames.

#include <doctest/doctest.h>

#include <set>

#include "tests/venues/binance/mock_roundtrip.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/aster/codec.hpp"
#include "venues/aster/mock_protocol.hpp"

#ifndef XARB_MOCK_FRAMES
#error "define XARB_MOCK_FRAMES (path of mock-aster.txt)"
#endif

using namespace xarb;
using namespace xarb::test;
using venues::frame_kind;

namespace {


struct fixture {
  std::unique_ptr<venues::md_codec> codec = venues::make_aster_codec();
  std::unique_ptr<mock::venue_protocol> proto = mock::make_aster_protocol();
  fake_market market = binance_market(*proto, codec->info().maker_fee, codec->info().taker_fee);
};

} // namespace

TEST_CASE("aster: every public sample decodes to its exact values") {
  auto codec = venues::make_aster_codec();
  const auto samples = venue_samples("aster");
  REQUIRE(samples.size() >= 4);
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    recorder h;
    if (s.kind == "rest_depth_snapshot") {
      auto snap = codec->parse_snapshot("BTCUSDT", s.json);
      REQUIRE(snap);
      CHECK(snap->venue == "aster");
      CHECK(snap->symbol == "BTCUSDT");
      CHECK(snap->seq == 1027024);
      CHECK(snap->exchange_ts == ms(1589436922959));
      CHECK(snap->bids == std::vector<book_level>{lvl("4", "431")});
      CHECK(snap->asks == std::vector<book_level>{lvl("4.000002", "12")});
      continue;
    }
    REQUIRE(decode(*codec, s.json, h, 3).kind == frame_kind::data);
    if (s.kind == "ws_depthUpdate") {
      REQUIRE(h.deltas.size() == 1);
      const auto& d = h.deltas[0];
      CHECK(d.venue == "aster");
      CHECK(d.symbol == "BTCUSDT");
      CHECK(d.first_seq == 157);
      CHECK(d.seq == 160);
      CHECK(d.prev_seq == 149);
      CHECK(d.exchange_ts == ms(123456788));
      CHECK(d.recv_ts == 3);
      CHECK(d.bids == std::vector<book_level>{lvl("0.0024", "10")});
      CHECK(d.asks == std::vector<book_level>{lvl("0.0026", "100")});
    } else if (s.kind == "ws_markPriceUpdate") {
      REQUIRE(h.marks.size() == 1);
      CHECK(h.marks[0].symbol == "BTCUSDT");
      CHECK(h.marks[0].mark == px("11794.15"));
      CHECK(h.marks[0].index == px("11784.62659091"));
      CHECK(h.marks[0].rate == rt("0.00038167"));
      CHECK(h.marks[0].next_funding_ts == ms(1562306400000));
      CHECK(h.marks[0].ts == ms(1562305380000));
    } else if (s.kind == "ws_bookTicker") {
      REQUIRE(h.tops.size() == 1);
      CHECK(h.tops[0].venue == "aster");
      CHECK(h.tops[0].symbol == "BNBUSDT");
      CHECK(h.tops[0].seq == 400900217);
      CHECK(h.tops[0].bid == lvl("25.3519", "31.21"));
      CHECK(h.tops[0].ask == lvl("25.3652", "40.66"));
      CHECK(h.tops[0].exchange_ts == ms(1568014460891));
    } else {
      FAIL("new aster sample kind: add its expected values here");
    }
  }
}

TEST_CASE("aster: info, /fapi/v3 requests and a plan within 200 streams per connection") {
  auto codec = venues::make_aster_codec();
  const auto& i = codec->info();
  CHECK(i.name == "aster");
  CHECK(i.sync == venues::sync_mode::rest_bridge);
  CHECK(i.ws_mainnet == "wss://fstream.asterdex.com");
  CHECK(i.rest_mainnet == "https://fapi.asterdex.com");
  CHECK(i.ws_testnet == "wss://fstream.asterdex-testnet.com");
  CHECK(i.max_streams_per_connection == 200);
  CHECK(i.maker_fee == rt("0.0001"));
  const auto reqs = codec->instruments_requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].target == "/fapi/v3/exchangeInfo");
  CHECK(reqs[1].target == "/fapi/v3/fundingInfo");
  CHECK(codec->snapshot_request("ETHUSDT").target == "/fapi/v3/depth?symbol=ETHUSDT&limit=1000");
  std::vector<std::string> natives;
  for (int k = 0; k < 250; ++k)
    natives.push_back("C" + std::to_string(k) + "USDT");
  const auto plans = codec->plan(natives);
  std::size_t books = 0, marks = 0;
  for (const auto& p : plans) {
    CHECK(p.target == "/stream");
    std::size_t streams = 0;
    for (const auto& f : p.subscribe)
      streams += frame_streams(f).size();
    CHECK(streams <= 200);
    (p.books ? books : marks)++;
  }
  CHECK(books == 3); // 100 symbols x (depth + bookTicker)
  CHECK(marks == 2);
  CHECK(plans[0].subscribe[0].starts_with(
    R"({"method":"SUBSCRIBE","params":["c0usdt@depth@100ms","c0usdt@bookTicker","c1usdt@depth@100ms",)"));
}

TEST_CASE("aster mock: listing, snapshots and streams round-trip; no path routing") {
  fixture f;
  CHECK(f.proto->venue() == "aster");
  CHECK(f.proto->native_symbol("PEPE", ratio::from_units(1000)) == "1000PEPEUSDT");
  const auto skipped = rest_roundtrip(*f.codec, *f.proto, f.market);
  CHECK(skipped == std::vector<std::string>{"BTCUSDT_261225: not a perpetual (contractType CURRENT_QUARTER)"});
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
  REQUIRE(subs.size() == 2);
  CHECK(subs[0].client.books.size() == 3);
  CHECK(subs[1].client.marks.size() == 3);
  stream_roundtrip(*f.codec, *f.proto, f.market, subs);

  // Everything on one unrouted connection works on Aster.
  mock::ws_client c;
  c.target = "/ws/btcusdt@markPrice/btcusdt@depth";
  std::vector<std::string> out;
  f.proto->on_open(c, f.market, out);
  CHECK(c.marks.count("BTCUSDT") == 1);
  CHECK(c.books.count("BTCUSDT") == 1);
  // Legacy v1 paths are answered too; Aster's fundingInfo shape.
  auto a = f.proto->rest(get("/fapi/v1/depth", {{"symbol", "ETHUSDT"}, {"limit", "5"}}), f.market);
  CHECK(a.status == 200);
  CHECK(f.codec->parse_snapshot("ETHUSDT", a.body)->seq == 5000);
  a = f.proto->rest(get("/fapi/v3/fundingInfo"), f.market);
  CHECK(a.body.find(R"({"symbol":"ETHUSDT","interestRate":"0.00010000","time":1754903057600,"fundingIntervalHours":4,)")
        != std::string::npos);
  CHECK(f.proto->rest(get("/fapi/v2/depth"), f.market).status == 404);
}

TEST_CASE("aster mock: gap rule on the mock's U/u/pu numbering") {
  for (bool lose : {false, true}) {
    CAPTURE(lose);
    fixture f;
    auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
    gap_through_mock(*f.codec, *f.proto, f.market, subs, lose);
  }
}

TEST_CASE("aster mock: recorded frames decode to their literal values") {
  fixture f;
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
  const auto lines = record(*f.codec, *f.proto, f.market, subs, R"({"params":["btcusdt@depth"],"id":1})");
  const auto file = check_recorded_file(XARB_MOCK_FRAMES, frames_header(lines), lines);
  check_recorded(*f.codec, file, {"BTCUSDT", "ETHUSDT", "1000PEPEUSDT"}, "USDT");
}

TEST_CASE("aster: prefixes of samples and junk never crash or emit") {
  auto codec = venues::make_aster_codec();
  check_samples_robust(*codec, "aster");
  for (const auto& s : venue_samples("aster"))
    check_snapshot_prefixes(*codec, "X", s.json);
  check_junk(*codec, junk_rule::not_data);
}
