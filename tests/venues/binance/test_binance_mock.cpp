// Binance mock protocol against the Binance codec: REST and WS round trips,
// path routing, control requests, REST extras, recorded frames.

#include <doctest/doctest.h>

#include <set>

#include "tests/venues/binance/mock_roundtrip.hpp"
#include "venues/binance/codec.hpp"
#include "venues/binance/mock_protocol.hpp"

#ifndef XARB_MOCK_FRAMES
#error "define XARB_MOCK_FRAMES (path of mock-binance.txt)"
#endif

using namespace xarb;
using namespace xarb::test;

namespace {

struct fixture {
  std::unique_ptr<venues::md_codec> codec = venues::make_binance_codec();
  std::unique_ptr<mock::venue_protocol> proto = mock::make_binance_protocol();
  fake_market market = binance_market(*proto, codec->info().maker_fee, codec->info().taker_fee);
};

std::vector<std::string> answer(mock::venue_protocol& p, mock::ws_client& c, const fake_market& m,
                                std::string_view frame) {
  std::vector<std::string> out;
  p.on_client_text(frame, c, m, out);
  return out;
}

} // namespace

TEST_CASE("binance mock: symbols, listing and snapshots round-trip through the codec") {
  fixture f;
  CHECK(f.proto->venue() == "binance");
  CHECK(f.proto->native_symbol("BTC", ratio::from_units(1)) == "BTCUSDT");
  CHECK(f.proto->native_symbol("PEPE", ratio::from_units(1000)) == "1000PEPEUSDT");
  const auto skipped = rest_roundtrip(*f.codec, *f.proto, f.market);
  REQUIRE(skipped.size() == 1); // the quarterly future listed next to BTCUSDT
  CHECK(skipped[0] == "BTCUSDT_261225: not a perpetual (contractType CURRENT_QUARTER)");
}

TEST_CASE("binance mock: plan() subscriptions are acknowledged and routed") {
  fixture f;
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
  REQUIRE(subs.size() == 2);
  const std::set<std::string, std::less<>> all{"BTCUSDT", "ETHUSDT", "1000PEPEUSDT"};
  CHECK(subs[0].client.target == "/public/stream");
  CHECK(subs[0].client.books == all);
  CHECK(subs[0].client.tops == all);
  CHECK(subs[0].client.marks.empty());
  CHECK(subs[1].client.target == "/market/stream");
  CHECK(subs[1].client.marks == all);
  CHECK(subs[1].client.books.empty());
  stream_roundtrip(*f.codec, *f.proto, f.market, subs);

  // Wrong path: acknowledged, listed, never delivered (Binance fails silently).
  mock::ws_client pub;
  pub.target = "/public/stream";
  std::vector<std::string> out;
  f.proto->on_open(pub, f.market, out);
  out = answer(*f.proto, pub, f.market,
               R"({"method":"SUBSCRIBE","params":["btcusdt@markPrice@1s","ethusdt@depth"],"id":7})");
  REQUIRE(out.size() == 1);
  CHECK(out[0] == R"({"result":null,"id":7})");
  CHECK(pub.marks.empty());
  CHECK(pub.books.count("ETHUSDT") == 1);
  out = answer(*f.proto, pub, f.market, R"({"method":"LIST_SUBSCRIPTIONS","id":8})");
  CHECK(out == std::vector<std::string>{R"({"result":["btcusdt@markPrice@1s","ethusdt@depth"],"id":8})"});
  // The raw stream name in the wrapper is the one subscribed.
  std::vector<std::string> frames;
  auto d = btc_deltas(f.market, "binance")[0];
  d.symbol = "ETHUSDT";
  f.proto->book_frames(d, pub, f.market, frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].starts_with(R"({"stream":"ethusdt@depth","data":{"e":"depthUpdate",)"));
  out = answer(*f.proto, pub, f.market, R"({"method":"UNSUBSCRIBE","params":["ethusdt@depth"],"id":9})");
  CHECK(out == std::vector<std::string>{R"({"result":null,"id":9})"});
  CHECK(pub.books.empty());

  // Raw streams in the URL: unwrapped events; an unrouted path gets public data only.
  mock::ws_client raw;
  raw.target = "/ws/btcusdt@depth@100ms/btcusdt@markPrice";
  f.proto->on_open(raw, f.market, out);
  CHECK(raw.books.count("BTCUSDT") == 1);
  CHECK(raw.marks.empty());
  frames.clear();
  f.proto->book_frames(btc_deltas(f.market, "binance")[0], raw, f.market, frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].starts_with(R"({"e":"depthUpdate","E":1754903057600,"T":1754903057556,"s":"BTCUSDT","U":1001,"u":1001,"pu":1000,"b":[["27450.1","0.000"]],"a":[["27450.2","1.200"]]})"));
  mock::ws_client mkt;
  mkt.target = "/market/stream?streams=btcusdt@markPrice%401s";
  f.proto->on_open(mkt, f.market, out);
  CHECK(mkt.marks.count("BTCUSDT") == 1);
  frames.clear();
  f.proto->mark_frames("BTCUSDT", *f.market.mark("BTCUSDT"), binance_times::now_ns, mkt, frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0]
        == R"({"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1754903057600,"s":"BTCUSDT","p":"27450.15000000","i":"27449.90000000","P":"27449.90000000","r":"0.00012500","T":1754928000000}})");
}

TEST_CASE("binance mock: control requests and errors in Binance's syntax") {
  fixture f;
  mock::ws_client c;
  c.target = "/stream";
  std::vector<std::string> out;
  f.proto->on_open(c, f.market, out);
  CHECK(out.empty());
  out = answer(*f.proto, c, f.market, "not json");
  REQUIRE(out.size() == 1);
  recorder h;
  CHECK(decode(*f.codec, out[0], h).kind == venues::frame_kind::error);
  out = answer(*f.proto, c, f.market, R"({"method":"SUBSCRIBE","params":["btcusdt@depth"],"id":-1})");
  CHECK(out[0].find("request ID must be an unsigned integer") != std::string::npos);
  out = answer(*f.proto, c, f.market, R"({"method":"PING","id":2})");
  CHECK(out[0].find("unknown variant `PING`") != std::string::npos);
  CHECK(decode(*f.codec, out[0], h).kind == venues::frame_kind::error);
  out = answer(*f.proto, c, f.market, R"({"params":[],"id":2})");
  CHECK(out[0].find("missing field `method`") != std::string::npos);
  out = answer(*f.proto, c, f.market, R"({"method":"GET_PROPERTY","params":["combined"],"id":3})");
  CHECK(out[0] == R"({"result":true,"id":3})");
  out = answer(*f.proto, c, f.market, R"({"method":"SET_PROPERTY","params":["combined",false],"id":4})");
  CHECK(out[0] == R"({"result":null,"id":4})");
  out = answer(*f.proto, c, f.market, R"({"method":"GET_PROPERTY","params":["combined"],"id":5})");
  CHECK(out[0] == R"({"result":false,"id":5})");
  out = answer(*f.proto, c, f.market, R"({"method":"SET_PROPERTY","params":["speed",1],"id":6})");
  CHECK(out[0] == R"({"code":0,"msg":"Unknown property","id":6})");
  CHECK(c.frames_in == 8);
  CHECK(h.calls() == 0);
  CHECK(f.proto->server_ping(0).empty()); // WS ping frames only
}

TEST_CASE("binance mock: REST extras and errors") {
  fixture f;
  auto& p = *f.proto;
  auto& m = f.market;
  auto a = p.rest(get("/fapi/v1/premiumIndex", {{"symbol", "BTCUSDT"}}), m);
  CHECK(a.status == 200);
  CHECK(a.body == R"({"symbol":"BTCUSDT","markPrice":"27450.15000000","indexPrice":"27449.90000000","estimatedSettlePrice":"27449.90000000","lastFundingRate":"0.00012500","interestRate":"0.00010000","nextFundingTime":1754928000000,"time":1754903057600})");
  a = p.rest(get("/fapi/v1/premiumIndex"), m);
  CHECK(a.body.starts_with(R"([{"symbol":"BTCUSDT",)"));
  CHECK(a.body.find(R"({"symbol":"1000PEPEUSDT","markPrice":"0.01234565")") != std::string::npos); // mid
  a = p.rest(get("/fapi/v1/ticker/bookTicker", {{"symbol", "ETHUSDT"}}), m);
  CHECK(a.body == R"({"symbol":"ETHUSDT","bidPrice":"1850.55","bidQty":"10.000","askPrice":"1850.56","askQty":"4.500","time":1754903057555,"lastUpdateId":5000})");
  a = p.rest(get("/fapi/v1/depth", {{"symbol", "BTCUSDT"}, {"limit", "5"}}), m);
  CHECK(a.body == R"({"lastUpdateId":1000,"E":1754903057600,"T":1754903057555,"bids":[["27450.1","1.500"],["27450.0","2.250"],["27449.5","0.010"]],"asks":[["27450.2","0.800"],["27451.0","3.000"]]})");
  a = p.rest(get("/fapi/v1/depth", {{"symbol", "BTCUSDT"}, {"limit", "7"}}), m);
  CHECK(a.status == 400);
  CHECK(a.body == R"({"code":-1130,"msg":"Data sent for parameter 'limit' is not valid."})");
  a = p.rest(get("/fapi/v1/depth", {{"symbol", "XYZUSDT"}}), m);
  CHECK(a.status == 400);
  CHECK(f.codec->parse_snapshot("XYZUSDT", a.body).code() == error_code::unknown_symbol);
  CHECK(p.rest(get("/fapi/v1/depth"), m).status == 400);
  CHECK(p.rest(get("/fapi/v1/ping"), m).body == "{}");
  CHECK(p.rest(get("/fapi/v1/time"), m).body == R"({"serverTime":1754903057600})");
  a = p.rest(get("/fapi/v3/exchangeInfo"), m); // Aster's prefix is not Binance's
  CHECK(a.status == 404);
  CHECK(a.body.starts_with(R"({"code":-5000,)"));
  auto post = get("/fapi/v1/exchangeInfo");
  post.method = "POST";
  CHECK(p.rest(post, m).status == 404);
  a = p.rest(get("/fapi/v1/fundingInfo"), m);
  CHECK(a.body.find(R"({"symbol":"ETHUSDT","adjustedFundingRateCap":"0.02000000","adjustedFundingRateFloor":"-0.02000000","fundingIntervalHours":4,"disclaimer":false})")
        != std::string::npos);
}

TEST_CASE("binance mock: gap rule on the mock's U/u/pu numbering") {
  for (bool lose : {false, true}) {
    CAPTURE(lose);
    fixture f;
    auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
    gap_through_mock(*f.codec, *f.proto, f.market, subs, lose);
  }
}

TEST_CASE("binance mock: recorded frames decode to their literal values") {
  fixture f;
  auto subs = subscribe_all(*f.codec, *f.proto, f.market, true);
  const auto lines = record(*f.codec, *f.proto, f.market, subs,
                            R"({"method":"SUBSCRIBE","params":["btcusdt@depth"],"id":"x"})");
  const auto file = check_recorded_file(XARB_MOCK_FRAMES, frames_header(lines), lines);
  check_recorded(*f.codec, file, {"BTCUSDT", "ETHUSDT", "1000PEPEUSDT"}, "USDT");
}
