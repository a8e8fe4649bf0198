// EdgeX codec: every public sample, the startVersion/endVersion safe rule
// through order_book, listing/snapshot parsing, plan, and robustness.

#include <doctest/doctest.h>

#include <string>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/edgex/codec.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

/// A getMetaData body in the documented V2 shape (trimmed), teaching
/// 10000001 BTCUSDT, 10000002 ETHUSDT, 30000001 BTCUSDC (the contract of
/// the depth sample), 10000024 UNI2USD, and two contracts to skip.
const std::string k_metadata = R"({"code":"SUCCESS","data":{
  "global":{"appName":"edgeX","appEnv":"testnet","starkExChainId":"0xaa36a7"},
  "coinList":[{"coinId":"1000","coinName":"USDT","stepSize":"0.000001"},{"coinId":"1001","coinName":"BTC","stepSize":"0.001"}],
  "contractList":[
    {"contractId":"10000001","contractName":"BTCUSDT","baseCoinId":"1001","quoteCoinId":"1000","tickSize":"0.1","stepSize":"0.001","minOrderSize":"0.001","maxOrderSize":"50.000","riskTierList":[{"tier":1,"positionValueUpperBound":"50000","maxLeverage":"100","maintenanceMarginRate":"0.005"},{"tier":22,"maxLeverage":"6"}],"defaultTakerFeeRate":"0.00055","defaultMakerFeeRate":"0.0002","defaultLeverage":"50","enableTrade":true,"enableDisplay":true,"fundingRateIntervalMin":"240","displayMaxLeverage":"50","starkExOraclePriceSigner":["0x1"]},
    {"contractId":"10000002","contractName":"ETHUSDT","tickSize":"0.01","stepSize":"0.01","minOrderSize":"0.01","riskTierList":[{"maxLeverage":"100"}],"defaultTakerFeeRate":"0.0005","defaultMakerFeeRate":"-0.0001","enableTrade":true,"fundingRateIntervalMin":"60"},
    {"contractId":"30000001","contractName":"BTCUSDC","tickSize":"0.1","stepSize":"0.001","minOrderSize":"0.002","enableTrade":true},
    {"contractId":"10000024","contractName":"UNI2USD","tickSize":"0.001","stepSize":"0.1","minOrderSize":"0.1","enableTrade":true},
    {"contractId":"10000099","contractName":"OLDUSDT","tickSize":"0.1","stepSize":"1","minOrderSize":"1","enableTrade":false},
    {"contractId":"abc","contractName":"BADUSDT","tickSize":"0.1","stepSize":"1","enableTrade":true}
  ]},"msg":null,"errorParam":null,"requestTime":"1734595526342","responseTime":"1734595526343","traceId":"x"})";

std::unique_ptr<venues::md_codec> learned_codec() {
  auto codec = venues::make_edgex_codec();
  REQUIRE(codec->parse_instruments(std::vector<std::string>{k_metadata}));
  return codec;
}

std::string depth(std::string_view type, uint64_t start, uint64_t end, std::string_view bids,
                  std::string_view asks, std::string_view id = "10000001") {
  const std::string ch = "depth." + std::string(id) + ".15";
  return R"({"type":"quote-event","channel":")" + ch + R"(","content":{"channel":")" + ch
         + R"(","dataType":")" + std::string(type) + R"(","data":[{"startVersion":")"
         + std::to_string(start) + R"(","endVersion":")" + std::to_string(end)
         + R"(","level":15,"contractId":")" + std::string(id) + R"(","bids":[)"
         + std::string(bids) + R"(],"asks":[)" + std::string(asks) + R"(]}]}})";
}

std::string lv(std::string_view p, std::string_view s) {
  return R"({"price":")" + std::string(p) + R"(","size":")" + std::string(s) + R"("})";
}

} // namespace

TEST_CASE("edgex: every public sample decodes to its expected kind and exact values") {
  const auto samples = venue_samples("edgex");
  REQUIRE(samples.size() >= 4);
  int checked = 0;
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    auto fresh = venues::make_edgex_codec();
    auto codec = learned_codec();
    recorder rec;
    if (s.kind == "ws_server_ping") {
      const auto r = decode(*fresh, s.json, rec);
      CHECK(r.kind == frame_kind::ping);
      CHECK(r.reply == R"({"type":"pong","time":"1693208170000"})");
    } else if (s.kind == "ws_client_pong") {
      CHECK(decode(*fresh, s.json, rec).kind == frame_kind::pong);
    } else if (s.kind == "ws_error") {
      const auto r = decode(*fresh, s.json, rec);
      CHECK(r.kind == frame_kind::error);
      CHECK(r.error == "edgex error INVALID_CONTRACT_ID: invalid contractId:100000001");
    } else if (s.kind == "ws_depth_snapshot_UNVERIFIED_third_party") {
      // UNVERIFIED shape (third-party fixture; fields match edgex-golang-sdk
      // model_depth.go): levels as {price,size} objects, ids as strings,
      // dataType "Snapshot". Without the listing the contract is unknown.
      auto r = decode(*fresh, s.json, rec);
      CHECK(r.kind == frame_kind::ignored);
      CHECK(r.error == "unknown contractId 30000001");
      CHECK(rec.calls() == 0);
      r = decode(*codec, s.json, rec, 5);
      REQUIRE(r.kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& snap = rec.snapshots[0];
      CHECK(snap.venue == "edgex");
      CHECK(snap.symbol == "BTCUSDC");
      CHECK(snap.seq == 366178399); // endVersion
      CHECK(snap.recv_ts == 5);
      CHECK(snap.bids == std::vector<book_level>{lvl("62780.1", "1.5"), lvl("62779.0", "2.0")});
      CHECK(snap.asks == std::vector<book_level>{lvl("62785.2", "2.449"), lvl("62786.5", "2.120")});
    } else {
      FAIL("a new edgex sample kind needs expectations: " << s.kind);
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(samples.size()));
}

TEST_CASE("edgex: depth versions follow the safe rule through order_book") {
  auto codec = learned_codec();
  order_book book;
  recorder rec;
  auto feed = [&](const std::string& frame) {
    rec.clear();
    const auto r = decode(*codec, frame, rec);
    REQUIRE(r.kind == frame_kind::data);
    if (!rec.snapshots.empty())
      return book.apply(rec.snapshots.at(0));
    REQUIRE(rec.deltas.size() == 1);
    return book.apply(rec.deltas[0]);
  };
  REQUIRE(feed(depth("Snapshot", 90, 100, lv("100.0", "1") + "," + lv("99.9", "2"),
                     lv("100.1", "1")))
          == error_code::none);
  CHECK(book.seq() == 100);
  CHECK(rec.snapshots[0].symbol == "BTCUSDT");

  // startVersion = last + 1: continuous.
  CHECK(feed(depth("Changed", 101, 105, lv("100.0", "3"), "")) == error_code::none);
  CHECK(rec.deltas[0].first_seq == 101);
  CHECK(rec.deltas[0].seq == 105);
  CHECK(rec.deltas[0].prev_seq == 0);
  // startVersion == last (the other reading of the rule) and overlaps: accepted.
  CHECK(feed(depth("Changed", 105, 107, "", lv("100.1", "2"))) == error_code::none);
  CHECK(feed(depth("changed", 103, 108, lv("99.9", "0"), "")) == error_code::none);
  CHECK(book.seq() == 108);
  CHECK(book.levels(book_side::bid) == 1);
  // Duplicates and old updates: ignored.
  CHECK(feed(depth("Changed", 101, 105, lv("100.0", "9"), "")) == error_code::none);
  CHECK(feed(depth("Changed", 108, 108, lv("100.0", "9"), "")) == error_code::none);
  CHECK(book.best_bid()->qty == qty("3"));
  // A hole (109 never came): gap.
  CHECK(feed(depth("Changed", 110, 111, lv("100.0", "4"), "")) == error_code::sequence_gap);
  CHECK_FALSE(book.synced());

  const auto frames = codec->resubscribe_book("BTCUSDT");
  REQUIRE(frames.size() == 2);
  CHECK(frames[0] == R"({"type":"unsubscribe","channel":"depth.10000001.15"})");
  CHECK(frames[1] == R"({"type":"subscribe","channel":"depth.10000001.15"})");
  CHECK(codec->resubscribe_book("NOPEUSD").empty());
  REQUIRE(feed(depth("Snapshot", 200, 200, lv("100.0", "4"), lv("100.1", "2")))
          == error_code::none);
  CHECK(feed(depth("Changed", 201, 201, lv("100.0", "5"), "")) == error_code::none);
}

TEST_CASE("edgex: ticker and fundingRate channels give mark, index and funding") {
  auto codec = learned_codec();
  recorder rec;
  // ticker.all.1s push from the edgex gitbook (no markPrice: the oracle price stands in).
  auto r = decode(*codec,
                  R"({"type":"quote-event","channel":"ticker.all.1s","content":{"channel":"ticker.all.1s","dataType":"changed","data":[{"contractId":"10000024","contractName":"UNI2USD","priceChange":"0.113","priceChangePercent":"0.011388","trades":"0","size":"0","value":"0","high":"10.128","low":"9.773","open":"10.035","close":"10.035","highTime":"1756318424986","lowTime":"1756341303982","startTime":"1758369600000","endTime":"1758456000000","lastPrice":"10.035","indexPrice":"9.115107279","oraclePrice":"9.12028730846941471099853515625","openInterest":"0","fundingRate":"0.00005000","fundingTime":"1758456000000","nextFundingTime":"1758470400000","bestAskPrice":"0","bestBidPrice":"0"},{"contractId":"77777777","fundingRate":"0.1"}]}})",
                  rec);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(rec.marks.size() == 1); // the unknown contract is skipped
  auto m = rec.marks[0];
  CHECK(m.symbol == "UNI2USD");
  CHECK(m.mark == px("9.120287308"));
  CHECK(m.index == px("9.115107279"));
  CHECK(m.rate == rt("0.00005"));
  CHECK(m.interval_s == 4 * 3600); // listing default (no fundingRateIntervalMin given)
  CHECK(m.next_funding_ts == 1758470400000LL * 1'000'000);
  CHECK(rec.tops.empty());

  // fundingRate channel (V2 docs: numbers, not strings).
  rec.clear();
  r = decode(*codec,
             R"({"type":"quote-event","channel":"fundingRate.10000001","content":{"dataType":"Snapshot","channel":"fundingRate.10000001","data":[{"contractId":10000001,"fundingRate":"0.0001","nextFundingTime":1693219200000,"timestamp":1693208170000}]}})",
             rec);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(rec.marks.size() == 1);
  m = rec.marks[0];
  CHECK(m.symbol == "BTCUSDT");
  CHECK_FALSE(m.mark);
  CHECK(m.rate == rt("0.0001"));
  CHECK(m.interval_s == 240 * 60);
  CHECK(m.next_funding_ts == 1693219200000LL * 1'000'000);
  CHECK(m.ts == 1693208170000LL * 1'000'000);

  // fundingRateIntervalMin in the message wins; markPrice over oraclePrice.
  rec.clear();
  r = decode(*codec,
             R"({"type":"quote-event","channel":"ticker.10000002","content":{"channel":"ticker.10000002","dataType":"Snapshot","data":[{"contractId":"10000002","markPrice":"3001.5","oraclePrice":"3001.4","fundingRate":"-0.0002","fundingRateIntervalMin":"120"}]}})",
             rec);
  REQUIRE(r.kind == frame_kind::data);
  CHECK(rec.marks.at(0).mark == px("3001.5"));
  CHECK(rec.marks.at(0).interval_s == 7200);
  CHECK(rec.marks.at(0).rate == rt("-0.0002"));

  // Only unknown contracts: ignored.
  rec.clear();
  r = decode(*codec, R"({"type":"quote-event","channel":"ticker.5","content":{"dataType":"Snapshot","data":[{"contractId":"5","fundingRate":"0.1"}]}})", rec);
  CHECK(r.kind == frame_kind::ignored);
  CHECK(r.error == "unknown contractId 5");
}

TEST_CASE("edgex: control frames, documentation variants and field order") {
  auto codec = learned_codec();
  recorder rec;
  CHECK(decode(*codec, R"({"sid":"ee6f8914-4765-cdba-3e93-0bead42583b7","type":"connected","time":"1776225301253"})", rec).kind == frame_kind::info);
  CHECK(decode(*codec, R"({"type":"subscribed","channel":"depth.10000001.15","request":"{\"type\":\"subscribe\",\"channel\":\"depth.10000001.15\"}"})", rec).kind == frame_kind::ack);
  CHECK(decode(*codec, R"({"type":"unsubscribed","channel":"depth.10000001.15"})", rec).kind == frame_kind::ack);
  auto r = decode(*codec, R"({"type":"error","request":"{\"type\":\"subscribe\",\"channel\":\"depth.invalid.15\"}","content":{"code":"GATEWAY_INVALID_CHANNEL","msg":"invalid channel : depth.invalid.15"}})", rec);
  CHECK(r.kind == frame_kind::error);
  CHECK(r.error == "edgex error GATEWAY_INVALID_CHANNEL: invalid channel : depth.invalid.15");
  r = decode(*codec, R"({"type":"ping","time":1693208170000})", rec);
  CHECK(r.kind == frame_kind::ping);
  CHECK(r.reply == R"({"type":"pong","time":1693208170000})");
  r = decode(*codec, R"({"type":"ping"})", rec);
  CHECK(r.kind == frame_kind::ping);
  CHECK(r.reply == R"({"type":"pong"})");
  CHECK(decode(*codec, R"({"type":"quote-event","channel":"kline.LAST_PRICE.10000004.MINUTE_30","content":{"dataType":"changed","data":[]}})", rec).kind == frame_kind::ignored);
  CHECK(decode(*codec, R"({"type":"something"})", rec).kind == frame_kind::ignored);
  CHECK(decode(*codec, R"({"channel":"x"})", rec).kind == frame_kind::ignored);
  CHECK(rec.calls() == 0);

  // V2 docs variant: levels as [price,size] arrays, contractId a number,
  // a timestamp; an empty Snapshot data list is ignored.
  r = decode(*codec, R"({"type":"quote-event","channel":"depth.10000001.200","content":{"dataType":"Snapshot","channel":"depth.10000001.200","data":[{"contractId":10000001,"level":200,"timestamp":1693208170000,"startVersion":"5","endVersion":"7","bids":[["43000.0","12.5"]],"asks":[["43001.0","8.3"]]}]}})", rec);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 1);
  CHECK(rec.snapshots[0].seq == 7);
  CHECK(rec.snapshots[0].exchange_ts == 1693208170000LL * 1'000'000);
  CHECK(rec.snapshots[0].bids == std::vector<book_level>{lvl("43000.0", "12.5")});
  CHECK(rec.snapshots[0].asks == std::vector<book_level>{lvl("43001.0", "8.3")});
  r = decode(*codec, R"({"type":"quote-event","channel":"depth.10000001.200","content":{"dataType":"Snapshot","channel":"depth.10000001.200","data":[]}})", rec);
  CHECK(r.kind == frame_kind::ignored);

  // Content before type/channel, data before dataType: read after a rewind.
  rec.clear();
  r = decode(*codec, R"({"content":{"data":[{"startVersion":"1","endVersion":"2","contractId":"10000002","bids":[{"price":"3000","size":"1"}],"asks":[]}],"dataType":"Changed"},"channel":"depth.10000002.15","type":"quote-event"})", rec);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(rec.deltas.size() == 1);
  CHECK(rec.deltas[0].symbol == "ETHUSDT");
  CHECK(rec.deltas[0].first_seq == 1);
  CHECK(rec.deltas[0].seq == 2);
  // Without dataType, the record's depthType decides; without both: malformed.
  rec.clear();
  r = decode(*codec, R"({"type":"quote-event","channel":"depth.10000002.15","content":{"data":[{"startVersion":"3","endVersion":"4","contractId":"10000002","bids":[],"asks":[],"depthType":"CHANGED"}]}})", rec);
  CHECK(r.kind == frame_kind::data);
  r = decode(*codec, R"({"type":"quote-event","channel":"depth.10000002.15","content":{"data":[{"startVersion":"3","endVersion":"4","contractId":"10000002","bids":[],"asks":[]}]}})", rec);
  CHECK(r.kind == frame_kind::malformed);
  // The channel names the contract when the record does not.
  rec.clear();
  r = decode(*codec, R"({"type":"quote-event","channel":"depth.10000002.15","content":{"dataType":"Changed","data":[{"startVersion":"9","endVersion":"9","bids":[],"asks":[{"price":"3001","size":"0"}]}]}})", rec);
  REQUIRE(r.kind == frame_kind::data);
  CHECK(rec.deltas.at(0).symbol == "ETHUSDT");
  // Bad levels and missing versions are malformed.
  CHECK(decode(*codec, depth("Changed", 1, 2, lv("0", "1"), ""), rec).kind == frame_kind::malformed);
  CHECK(decode(*codec, depth("Changed", 1, 2, lv("1", "-1"), ""), rec).kind == frame_kind::malformed);
  CHECK(decode(*codec, R"({"type":"quote-event","channel":"depth.10000002.15","content":{"dataType":"Changed","data":[{"contractId":"10000002","bids":[],"asks":[]}]}})", rec).kind == frame_kind::malformed);
}

TEST_CASE("edgex: metadata listing, REST depth, info and plan") {
  auto codec = venues::make_edgex_codec();
  const auto& info = codec->info();
  CHECK(info.name == "edgex");
  CHECK(info.sync == venues::sync_mode::in_band);
  CHECK(info.ws_mainnet == "wss://edgex-quote-prod-v2.edgex.exchange");
  CHECK(info.rest_mainnet == "https://edgex-prod-v2.edgex.exchange");
  const auto reqs = codec->instruments_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].target == "/api/v2/public/meta/getMetaData");

  // Before the listing: no ids, nothing to subscribe.
  const std::vector<std::string> natives = {"BTCUSDT", "ETHUSDT", "NOPEUSD"};
  CHECK(codec->plan(natives).empty());

  std::vector<std::string> skipped;
  auto specs = codec->parse_instruments(std::vector<std::string>{k_metadata}, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 4);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "edgex");
  CHECK(btc.native_symbol == "BTCUSDT");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.base == "BTC");
  CHECK(btc.quote == "USDT");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.1"));
  CHECK(btc.lot == qty("0.001"));
  CHECK(btc.min_qty == qty("0.001"));
  CHECK(btc.min_notional == money::zero());
  CHECK(btc.maker_fee == rt("0.0002"));
  CHECK(btc.taker_fee == rt("0.00055"));
  CHECK(btc.max_leverage == 50); // displayMaxLeverage
  CHECK(btc.funding_interval_s == 4 * 3600);
  const auto& eth = (*specs)[1];
  CHECK(eth.max_leverage == 100); // from riskTierList
  CHECK(eth.maker_fee == rt("-0.0001"));
  CHECK(eth.funding_interval_s == 3600);
  CHECK((*specs)[2].native_symbol == "BTCUSDC");
  CHECK((*specs)[2].quote == "USDC");
  CHECK((*specs)[2].min_qty == qty("0.002"));
  CHECK((*specs)[3].symbol == "UNI2-PERP");
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0] == "OLDUSDT: not trading (enableTrade false)");
  CHECK(skipped[1] == "BADUSDT: bad contractId 'abc'");

  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{R"({"code":"SERVER_ERROR","data":null,"msg":"down"})"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{R"({"code":"SUCCESS","data":{}})"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{"<html>"}));

  const auto sreq = codec->snapshot_request("BTCUSDT");
  CHECK(sreq.method == "GET");
  CHECK(sreq.target == "/api/v2/public/quote/getDepth?contractId=10000001&level=200");
  // The documented getDepth response.
  const std::string body = R"({"code":"SUCCESS","data":[{"startVersion":"201223746","endVersion":"201223747","level":15,"contractId":"10000001","contractName":"BTCUSDT","asks":[{"price":"101695.9","size":"0.579"},{"price":"101696.0","size":"0.923"},{"price":"101703.0","size":"0.129"}],"bids":[{"price":"101695.5","size":"1.710"},{"price":"101694.1","size":"0.189"},{"price":"101692.9","size":"0.223"}],"depthType":"SNAPSHOT"}],"msg":null,"errorParam":null,"requestTime":"1734598036434","responseTime":"1734598036435","traceId":"99b69f04bac0df6e37961f249b9545e4"})";
  auto snap = codec->parse_snapshot("BTCUSDT", body);
  REQUIRE(snap);
  CHECK(snap->seq == 201223747);
  CHECK(snap->exchange_ts == 1734598036435LL * 1'000'000);
  CHECK(snap->bids.front() == lvl("101695.5", "1.710"));
  CHECK(snap->asks.back() == lvl("101703.0", "0.129"));
  CHECK(snap->bids.size() == 3);
  CHECK(codec->parse_snapshot("ETHUSDT", body).code() == error_code::unknown_symbol);
  CHECK(codec->parse_snapshot("BTCUSDT", R"({"code":"INVALID_CONTRACT_ID","data":null,"msg":"invalid contractId:1"})").code() == error_code::venue_unavailable);

  // Plan: three channels per known contract; unknown natives left out.
  const auto plan = codec->plan(natives);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].target == "/api/v1/public/ws");
  CHECK(plan[0].books);
  CHECK(plan[0].subscribe == std::vector<std::string>{
    R"({"type":"subscribe","channel":"depth.10000001.15"})",
    R"({"type":"subscribe","channel":"ticker.10000001"})",
    R"({"type":"subscribe","channel":"fundingRate.10000001"})",
    R"({"type":"subscribe","channel":"depth.10000002.15"})",
    R"({"type":"subscribe","channel":"ticker.10000002"})",
    R"({"type":"subscribe","channel":"fundingRate.10000002"})"});
  // Many contracts: split by the channel cap.
  std::string big = R"({"code":"SUCCESS","data":{"contractList":[)";
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) {
    if (i)
      big += ",";
    const auto name = std::string("C").append(std::to_string(i)).append("USDT");
    many.push_back(name);
    big += R"({"contractId":")" + std::to_string(20000000 + i) + R"(","contractName":")" + name
           + R"(","tickSize":"0.1","stepSize":"1","enableTrade":true})";
  }
  big += "]}}";
  REQUIRE(codec->parse_instruments(std::vector<std::string>{big}));
  const auto plan2 = codec->plan(many);
  const std::size_t per_conn = info.max_streams_per_connection / 3;
  REQUIRE(plan2.size() == (many.size() + per_conn - 1) / per_conn);
  std::size_t frames = 0;
  for (const auto& p : plan2) {
    CHECK(p.subscribe.size() <= info.max_streams_per_connection);
    frames += p.subscribe.size();
  }
  CHECK(frames == many.size() * 3);
  // The new listing replaced the old one.
  CHECK(codec->resubscribe_book("BTCUSDT").empty());
}

TEST_CASE("edgex: no prefix of a sample and no junk frame yields data or crashes") {
  auto codec = learned_codec();
  std::vector<std::string> frames;
  for (const auto& s : venue_samples("edgex"))
    frames.push_back(s.json);
  frames.push_back(depth("Changed", 101, 105, lv("100.0", "3"), lv("100.5", "1")));
  frames.push_back(R"({"type":"quote-event","channel":"fundingRate.10000001","content":{"dataType":"Snapshot","channel":"fundingRate.10000001","data":[{"contractId":10000001,"fundingRate":"0.0001","nextFundingTime":1693219200000,"timestamp":1693208170000}]}})");
  frames.push_back(R"({"content":{"data":[{"startVersion":"1","endVersion":"2","contractId":"10000002","bids":[{"price":"3000","size":"1"}],"asks":[]}],"dataType":"Changed"},"channel":"depth.10000002.15","type":"quote-event"})");
  for (const auto& f : frames) {
    check_prefixes(*codec, f);
    check_mutations(*codec, f);
  }
  check_junk(*codec);
}
