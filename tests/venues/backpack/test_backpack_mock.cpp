// Backpack mock protocol against the Backpack codec: REST and WS round
// trips (no subscribe acknowledgement, errors in the venue's shape), the
// gap rule on the mock's numbering, REST extras, recorded frames.

#include <doctest/doctest.h>

#include <set>

#include "tests/venues/binance/mock_roundtrip.hpp"
#include "venues/backpack/codec.hpp"
#include "venues/backpack/mock_protocol.hpp"

#ifndef XARB_MOCK_FRAMES
#error "define XARB_MOCK_FRAMES (path of mock-backpack.txt)"
#endif

using namespace xarb;
using namespace xarb::test;

namespace {

struct fixture {
  std::unique_ptr<venues::md_codec> codec = venues::make_backpack_codec();
  std::unique_ptr<mock::venue_protocol> proto = mock::make_backpack_protocol();
  fake_market market = binance_market(*proto, codec->info().maker_fee, codec->info().taker_fee);
};

std::vector<std::string> answer(mock::venue_protocol& p, mock::ws_client& c, const fake_market& m,
                                std::string_view frame) {
  std::vector<std::string> out;
  p.on_client_text(frame, c, m, out);
  return out;
}

} // namespace

TEST_CASE("backpack mock: symbols, listing and snapshots round-trip through the codec") {
  fixture f;
  CHECK(f.proto->venue() == "backpack");
  CHECK(f.proto->native_symbol("BTC", ratio::from_units(1)) == "BTC_USDC_PERP");
  CHECK(f.proto->native_symbol("PEPE", ratio::from_units(1000)) == "kPEPE_USDC_PERP");
  const auto skipped = rest_roundtrip(*f.codec, *f.proto, f.market, false); // no min notional
  CHECK(skipped == std::vector<std::string>{"BTC_USDC: not a perpetual (marketType SPOT)"});
  // The raw depth body: string lastUpdateId, us timestamp, both sides lowest first.
  const auto a = f.proto->rest(get("/api/v1/depth", {{"symbol", "BTC_USDC_PERP"}, {"limit", "2"}}), f.market);
  CHECK(a.body == R"({"asks":[["27450.2","0.800"],["27451.0","3.000"]],"bids":[["27450.0","2.250"],["27450.1","1.500"]],"lastUpdateId":"1000","timestamp":1754903057555000})");
}

TEST_CASE("backpack mock: plan() subscriptions, streams and errors") {
  fixture f;
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, false); // the venue sends no ack
  REQUIRE(subs.size() == 2);
  const std::set<std::string, std::less<>> all{"BTC_USDC_PERP", "ETH_USDC_PERP", "kPEPE_USDC_PERP"};
  CHECK(subs[0].client.books == all);
  CHECK(subs[0].client.tops == all);
  CHECK(subs[1].client.marks == all);
  stream_roundtrip(*f.codec, *f.proto, f.market, subs);
  CHECK(f.proto->server_ping(0).empty()); // WS ping frames only

  mock::ws_client c;
  c.target = "/";
  recorder h;
  auto out = answer(*f.proto, c, f.market, R"({"method":"SUBSCRIBE","params":["depth.NOPE_USDC_PERP"]})");
  REQUIRE(out.size() == 1);
  CHECK(out[0] == R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})");
  CHECK(decode(*f.codec, out[0], h).kind == venues::frame_kind::error);
  out = answer(*f.proto, c, f.market, R"({"method":"SUBSCRIBE","params":["foo.BTC_USDC_PERP"],"id":5})");
  CHECK(out == std::vector<std::string>{R"({"id":5,"error":{"code":4006,"message":"Invalid stream"}})"});
  out = answer(*f.proto, c, f.market, R"({"method":"LIST","params":["depth.BTC_USDC_PERP"]})");
  CHECK(out.size() == 1);
  CHECK(decode(*f.codec, out[0], h).kind == venues::frame_kind::error);
  CHECK(answer(*f.proto, c, f.market, "{").size() == 1);
  // Other public streams are accepted (not published by the mock).
  CHECK(answer(*f.proto, c, f.market, R"({"method":"SUBSCRIBE","params":["trade.BTC_USDC_PERP","kline.1m.BTC_USDC_PERP","ticker.ETH_USDC_PERP","liquidation"]})").empty());
  // Aggregated depth: same events, the subscribed stream name in the wrapper.
  CHECK(answer(*f.proto, c, f.market, R"({"method":"SUBSCRIBE","params":["depth.200ms.BTC_USDC_PERP"]})").empty());
  CHECK(c.books.count("BTC_USDC_PERP") == 1);
  std::vector<std::string> frames;
  f.proto->book_frames(btc_deltas(f.market, "backpack")[0], c, f.market, frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0] == R"({"data":{"E":"1754903057600000","T":"1754903057556000","U":1001,"a":[["27450.2","1.200"]],"b":[["27450.1","0.000"]],"e":"depth","s":"BTC_USDC_PERP","u":1001},"stream":"depth.200ms.BTC_USDC_PERP"})");
  CHECK(answer(*f.proto, c, f.market, R"({"method":"UNSUBSCRIBE","params":["depth.200ms.BTC_USDC_PERP"]})").empty());
  CHECK(c.books.empty());
  CHECK(c.frames_in == 7);
  CHECK(h.calls() == 0);
}

TEST_CASE("backpack mock: REST extras") {
  fixture f;
  auto& p = *f.proto;
  auto& m = f.market;
  auto a = p.rest(get("/api/v1/markPrices", {{"symbol", "BTC_USDC_PERP"}}), m);
  CHECK(a.body == R"([{"fundingRate":"0.000125","indexPrice":"27449.9","markPrice":"27450.15","nextFundingTimestamp":1754928000000,"symbol":"BTC_USDC_PERP"}])");
  a = p.rest(get("/api/v1/markPrices"), m);
  CHECK(std::count(a.body.begin(), a.body.end(), '{') == 3);
  a = p.rest(get("/api/v1/fundingRates", {{"symbol", "ETH_USDC_PERP"}}), m);
  CHECK(a.body == R"([{"symbol":"ETH_USDC_PERP","intervalEndTimestamp":"2025-08-11T12:00:00","fundingRate":"-0.00002"}])");
  a = p.rest(get("/api/v1/markets", {{"marketType", "PERP"}}), m);
  auto specs = f.codec->parse_instruments(std::vector<std::string>{a.body});
  REQUIRE(specs);
  CHECK(specs->size() == 3);
  a = p.rest(get("/api/v1/market", {{"symbol", "kPEPE_USDC_PERP"}}), m);
  CHECK(a.body.starts_with(R"({"symbol":"kPEPE_USDC_PERP","baseSymbol":"kPEPE","quoteSymbol":"USDC","marketType":"PERP",)"));
  a = p.rest(get("/api/v1/depth", {{"symbol", "NOPE"}}), m);
  CHECK(a.status == 400);
  CHECK(a.body == R"({"code":"INVALID_CLIENT_REQUEST","message":"Invalid symbol"})");
  CHECK(f.codec->parse_snapshot("NOPE", a.body).code() == error_code::venue_unavailable);
  CHECK(p.rest(get("/api/v1/depth", {{"symbol", "BTC_USDC_PERP"}, {"limit", "5000"}}), m).status == 400);
  CHECK(p.rest(get("/api/v1/ping"), m).body == "pong");
  CHECK(p.rest(get("/api/v1/time"), m).body == "1754903057600");
  CHECK(p.rest(get("/api/v1/nothing"), m).status == 404);
}

TEST_CASE("backpack mock: gap rule on the mock's U/u numbering") {
  for (bool lose : {false, true}) {
    CAPTURE(lose);
    fixture f;
    auto subs = subscribe_all(*f.codec, *f.proto, f.market, false);
    gap_through_mock(*f.codec, *f.proto, f.market, subs, lose);
  }
}

TEST_CASE("backpack mock: recorded frames decode to their literal values") {
  fixture f;
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, false);
  const auto lines = record(*f.codec, *f.proto, f.market, subs,
                            R"({"method":"SUBSCRIBE","params":["depth.NOPE_USDC_PERP"]})");
  const auto file = check_recorded_file(XARB_MOCK_FRAMES, frames_header(lines), lines);
  check_recorded(*f.codec, file, {"BTC_USDC_PERP", "ETH_USDC_PERP", "kPEPE_USDC_PERP"}, "USDC");
}
