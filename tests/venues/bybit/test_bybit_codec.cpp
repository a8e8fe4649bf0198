// Bybit codec: every public sample, listing, REST snapshot, plan, control
// frames, the u == prev + 1 gap rule, robustness.
#include <doctest/doctest.h>

#include <simdjson.h>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/bybit/codec.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

// nautilus http_get_instruments_linear.json (fundingInterval in minutes as
// Bybit sends it), plus a 1000-unit contract, dated futures, a pre-launch
// perpetual and an unparseable name.
const char* listing = R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","nextPageCursor":null,"list":[
 {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","launchTime":"1699990000000","deliveryTime":"1702592000000","deliveryFeeRate":"0.0005","priceScale":"2","leverageFilter":{"minLeverage":"1","maxLeverage":"100","leverageStep":"1"},"priceFilter":{"minPrice":"1","maxPrice":"1000000","tickSize":"0.5"},"lotSizeFilter":{"maxOrderQty":"100.0","minOrderQty":"0.001","qtyStep":"0.001","postOnlyMaxOrderQty":"100.0","maxMktOrderQty":"50.0","minNotionalValue":"5"},"unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT"},
 {"symbol":"1000PEPEUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"1000PEPE","quoteCoin":"USDT","leverageFilter":{"maxLeverage":"25.00"},"priceFilter":{"tickSize":"0.0000001"},"lotSizeFilter":{"minOrderQty":"100","qtyStep":"100","minNotionalValue":"5"},"fundingInterval":240,"settleCoin":"USDT","riskParameters":{"priceLimitRatioX":"0.15"},"isPreListing":false,"preListingInfo":null},
 {"symbol":"BTC-27DEC24","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","priceFilter":{"tickSize":"0.5"},"lotSizeFilter":{"minOrderQty":"0.001","qtyStep":"0.001"}},
 {"symbol":"NEWUSDT","contractType":"LinearPerpetual","status":"PreLaunch","priceFilter":{"tickSize":"0.1"},"lotSizeFilter":{"minOrderQty":"1","qtyStep":"1"}},
 {"symbol":"BTCEUR","contractType":"LinearPerpetual","status":"Trading","priceFilter":{"tickSize":"0.1"},"lotSizeFilter":{"minOrderQty":"1","qtyStep":"1"}}
]},"retExtInfo":{},"time":1700000000000})";

std::string book_frame(std::string_view type, std::string_view b, std::string_view a, uint64_t u) {
  return R"({"topic":"orderbook.50.BTCUSDT","type":")" + std::string{type}
         + R"(","ts":1700000000000,"data":{"s":"BTCUSDT","b":)" + std::string{b} + R"(,"a":)"
         + std::string{a} + R"(,"u":)" + std::to_string(u) + R"(,"seq":7961638724},"cts":1700000000000})";
}

} // namespace

TEST_CASE("every Bybit sample decodes to its exact values") {
  auto codec = venues::make_bybit_codec();
  auto samples = venue_samples("bybit");
  REQUIRE(samples.size() >= 3);
  std::size_t checked = 0;
  for (const auto& s : samples) {
    INFO(s.kind);
    recorder rec;
    auto r = decode(*codec, s.json, rec, 42);
    if (s.kind == "ws_orderbook_snapshot") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& b = rec.snapshots[0];
      CHECK(b.venue == "bybit");
      CHECK(b.symbol == "BTCUSDT");
      CHECK(b.seq == 18521288); // u, not the cross sequence
      CHECK(b.exchange_ts == ms(1672304484978));
      CHECK(b.recv_ts == 42);
      CHECK(b.bids == std::vector<book_level>{lvl("16493.5", "0.006"), lvl("16493", "0.1")});
      CHECK(b.asks == std::vector<book_level>{lvl("16611", "0.029"), lvl("16612", "0.213")});
    } else if (s.kind == "ws_orderbook_delta") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      const auto& d = rec.deltas[0];
      const auto& crc = rec.checksums[0];
      CHECK(d.symbol == "BTCUSDT");
      CHECK(d.seq == 123456790);
      CHECK(d.prev_seq == 0);
      CHECK(d.first_seq == 0);
      CHECK(d.exchange_ts == ms(1709891679500));
      CHECK(d.bids == std::vector<book_level>{lvl("27450", "0.4")});
      CHECK(d.asks == std::vector<book_level>{lvl("27451", "0")});
      CHECK(!crc);
    } else if (s.kind == "ws_tickers_linear") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      const auto& m = rec.marks[0];
      CHECK(m.symbol == "BTCUSDT");
      CHECK(m.mark == px("17217.33"));
      CHECK(m.index == px("17227.36"));
      CHECK(m.rate == rt("-0.000212"));
      CHECK(m.next_funding_ts == ms(1673280000000));
      CHECK(m.interval_s == 8 * 3600);
      CHECK(m.ts == ms(1673272861686));
      CHECK(rec.tops.empty()); // BBO comes from the book
    } else {
      FAIL("new Bybit sample kind without expectations: " << s.kind);
    }
    ++checked;
  }
  CHECK(checked == samples.size());
}

TEST_CASE("Bybit ticker deltas carry only what changed") {
  auto codec = venues::make_bybit_codec();
  recorder rec;
  CHECK(decode(*codec, R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"17218.1"},"cs":1,"ts":1673272861700})", rec).kind
        == frame_kind::data);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].mark == px("17218.1"));
  CHECK(!rec.marks[0].index);
  CHECK(!rec.marks[0].rate);
  CHECK(rec.marks[0].next_funding_ts == 0);
  CHECK(rec.marks[0].interval_s == 0);
  CHECK(decode(*codec, R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","fundingRate":"0.0001","nextFundingTime":"1673308800000"},"cs":1,"ts":1673272861800})", rec).kind
        == frame_kind::data);
  CHECK(rec.marks[1].rate == rt("0.0001"));
  CHECK(rec.marks[1].next_funding_ts == ms(1673308800000));
  CHECK(!rec.marks[1].mark);
  auto r = decode(*codec, R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","lastPrice":"17219","volume24h":"1"},"cs":1,"ts":1673272861900})", rec);
  CHECK(r.kind == frame_kind::ignored);
  CHECK(rec.marks.size() == 2);
}

TEST_CASE("Bybit listing: linear perpetuals in trading, the rest skipped with a reason") {
  auto codec = venues::make_bybit_codec();
  REQUIRE(codec->instruments_requests().size() == 1);
  CHECK(codec->instruments_requests()[0].target
        == "/v5/market/instruments-info?category=linear&limit=1000");
  std::vector<std::string> bodies{listing}, skipped;
  auto specs = codec->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 2);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "bybit");
  CHECK(btc.native_symbol == "BTCUSDT");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.base == "BTC");
  CHECK(btc.quote == "USDT");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.5"));
  CHECK(btc.lot == qty("0.001"));
  CHECK(btc.min_qty == qty("0.001"));
  CHECK(btc.min_notional == money::from_units(5));
  CHECK(btc.maker_fee == rt("0.0002"));
  CHECK(btc.taker_fee == rt("0.00055"));
  CHECK(btc.max_leverage == 100);
  CHECK(btc.funding_interval_s == 8 * 3600);
  const auto& pepe = (*specs)[1];
  CHECK(pepe.native_symbol == "1000PEPEUSDT");
  CHECK(pepe.base == "PEPE");
  CHECK(pepe.symbol == "PEPE-PERP");
  CHECK(pepe.multiplier == ratio::from_units(1000));
  CHECK(pepe.tick == px("0.0000001"));
  CHECK(pepe.lot == qty("100"));
  CHECK(pepe.max_leverage == 25);
  CHECK(pepe.funding_interval_s == 4 * 3600);
  REQUIRE(skipped.size() == 3);
  CHECK(skipped[0] == "BTC-27DEC24: not a linear perpetual (contractType LinearFutures)");
  CHECK(skipped[1] == "NEWUSDT: not trading (status PreLaunch)");
  CHECK(skipped[2].rfind("BTCEUR: ", 0) == 0);

  std::string paged = listing;
  paged.replace(paged.find("\"nextPageCursor\":null"), 21, R"("nextPageCursor":"abc")");
  std::vector<std::string> b2{paged};
  skipped.clear();
  REQUIRE(codec->parse_instruments(b2, &skipped));
  CHECK(skipped.back() == "*: listing has more pages (nextPageCursor abc), not fetched");

  for (std::string bad : {R"({"retCode":10001,"retMsg":"params error","result":{},"retExtInfo":{},"time":1})",
                          R"({"retCode":0,"retMsg":"OK","result":{}})", R"({"retCode":0})",
                          R"({"retCode":0,"retMsg":"OK","result":{"list":{}}})", "[]", "",
                          R"({"retCode":0,"retMsg":"OK","result":{"list":[]}}])"}) {
    std::vector<std::string> b{bad};
    INFO(bad);
    CHECK(!codec->parse_instruments(b));
  }
}

TEST_CASE("Bybit REST orderbook: u is the snapshot's sequence") {
  auto codec = venues::make_bybit_codec();
  auto req = codec->snapshot_request("BTCUSDT");
  CHECK(req.target == "/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=500");
  // nautilus http_get_orderbook.json
  const std::string body = R"({"retCode":0,"retMsg":"OK","result":{"s":"BTCUSDT","b":[["27450.50","1.500"],["27450.00","2.000"],["27449.50","0.750"]],"a":[["27451.00","1.200"],["27451.50","3.000"],["27452.00","0.500"]],"ts":1709891679000,"u":1234567,"seq":9876543,"cts":1709891679000},"time":1709891679050})";
  auto s = codec->parse_snapshot("BTCUSDT", body);
  REQUIRE(s);
  CHECK(s->venue == "bybit");
  CHECK(s->symbol == "BTCUSDT");
  CHECK(s->seq == 1234567);
  CHECK(s->exchange_ts == ms(1709891679000));
  CHECK(s->bids == std::vector<book_level>{lvl("27450.5", "1.5"), lvl("27450", "2"),
                                           lvl("27449.5", "0.75")});
  CHECK(s->asks.back() == lvl("27452", "0.5"));
  CHECK(!codec->parse_snapshot("ETHUSDT", body)); // another symbol's book
  CHECK(!codec->parse_snapshot("BTCUSDT", R"({"retCode":10001,"retMsg":"params error: symbol invalid","result":{},"retExtInfo":{},"time":1})"));
  CHECK(!codec->parse_snapshot("BTCUSDT", body.substr(0, body.size() / 2)));
}

TEST_CASE("Bybit plan: orderbook.50 and tickers, 10 topics per request, 100 symbols per connection") {
  auto codec = venues::make_bybit_codec();
  const auto& info = codec->info();
  CHECK(info.name == "bybit");
  CHECK(info.sync == venues::sync_mode::in_band);
  CHECK(info.ws_mainnet == "wss://stream.bybit.com");
  CHECK(info.ws_testnet == "wss://stream-testnet.bybit.com");
  CHECK(info.rest_testnet == "https://api-testnet.bybit.com");
  CHECK(info.heartbeat.ping_text == R"({"op":"ping"})");
  std::vector<std::string> natives;
  for (int i = 0; i < 125; ++i)
    natives.push_back("C" + std::to_string(i) + "USDT");
  auto plan = codec->plan(natives);
  REQUIRE(plan.size() == 2);
  simdjson::dom::parser parser;
  std::size_t books = 0, tickers = 0;
  for (const auto& p : plan) {
    CHECK(p.target == "/v5/public/linear");
    CHECK(p.books);
    std::size_t topics = 0;
    for (const auto& f : p.subscribe) {
      auto doc = parser.parse(f);
      REQUIRE(doc.error() == simdjson::SUCCESS);
      CHECK(std::string_view(doc["op"]) == "subscribe");
      simdjson::dom::array args = doc["args"];
      CHECK(args.size() <= 10);
      for (auto a : args) {
        std::string_view t = a;
        books += t.rfind("orderbook.50.", 0) == 0;
        tickers += t.rfind("tickers.", 0) == 0;
        ++topics;
      }
    }
    CHECK(topics <= info.max_streams_per_connection);
  }
  CHECK(books == 125);
  CHECK(tickers == 125);
  CHECK(plan[0].subscribe.front() == R"({"op":"subscribe","args":["orderbook.50.C0USDT","orderbook.50.C1USDT","orderbook.50.C2USDT","orderbook.50.C3USDT","orderbook.50.C4USDT","orderbook.50.C5USDT","orderbook.50.C6USDT","orderbook.50.C7USDT","orderbook.50.C8USDT","orderbook.50.C9USDT"]})");
  auto re = codec->resubscribe_book("BTCUSDT");
  REQUIRE(re.size() == 2);
  CHECK(re[0] == R"({"op":"unsubscribe","args":["orderbook.50.BTCUSDT"]})");
  CHECK(re[1] == R"({"op":"subscribe","args":["orderbook.50.BTCUSDT"]})");
  CHECK(codec->plan({}).empty());
}

TEST_CASE("Bybit control frames: acks, failures, pongs, other topics") {
  auto codec = venues::make_bybit_codec();
  recorder rec;
  CHECK(decode(*codec, R"({"success":true,"ret_msg":"","conn_id":"cejreaspqfm9se7usbrg-2xh","req_id":"sub-orderbook-1","op":"subscribe"})", rec).kind
        == frame_kind::ack);
  auto fail = decode(*codec, R"({"success":false,"ret_msg":"Invalid topic: invalid.topic.BTCUSDT","conn_id":"cejreaspqfm9se7usbrg-2xh","op":"subscribe"})", rec);
  CHECK(fail.kind == frame_kind::error);
  CHECK(fail.error == "subscribe failed: Invalid topic: invalid.topic.BTCUSDT");
  CHECK(decode(*codec, R"({"success":true,"ret_msg":"pong","conn_id":"0970e817-426e-429a-a679-ff7f55e0b16a","req_id":"100001","op":"ping"})", rec).kind
        == frame_kind::pong);
  CHECK(decode(*codec, R"({"op":"pong","args":["1675418560633"],"conn_id":"cfcb4ocsvfriu23r3er0-1b"})", rec).kind
        == frame_kind::pong);
  CHECK(decode(*codec, R"({"success":true,"ret_msg":"","op":"unsubscribe","conn_id":"x"})", rec).kind
        == frame_kind::ack);
  auto trade = decode(*codec, R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50"}]})", rec);
  CHECK(trade.kind == frame_kind::ignored);
  CHECK(trade.error == "topic publicTrade.BTCUSDT");
  CHECK(rec.calls() == 0);
}

TEST_CASE("Bybit gap rule: u must follow by one; a new snapshot (u == 1 after a restart) resets") {
  auto codec = venues::make_bybit_codec();
  order_book book;
  auto push = [&](const std::string& f) {
    recorder rec;
    auto r = decode(*codec, f, rec);
    REQUIRE(r.kind == frame_kind::data);
    if (!rec.snapshots.empty())
      return book.apply(rec.snapshots[0]);
    return book.apply(rec.deltas.at(0));
  };
  REQUIRE(push(book_frame("snapshot", R"([["100","1"]])", R"([["101","1"]])", 500)) == error_code::none);
  CHECK(push(book_frame("delta", R"([["100","2"]])", "[]", 501)) == error_code::none);
  CHECK(push(book_frame("delta", "[]", R"([["101","0"],["102","3"]])", 502)) == error_code::none);
  CHECK(book.best_ask() == lvl("102", "3"));
  // Duplicate: ignored.
  CHECK(push(book_frame("delta", R"([["100","9"]])", "[]", 502)) == error_code::none);
  CHECK(book.best_bid() == lvl("100", "2"));
  // 503 lost.
  CHECK(push(book_frame("delta", R"([["100","5"]])", "[]", 504)) == error_code::sequence_gap);
  CHECK(!book.synced());
  // Service restart: a snapshot with u == 1 overwrites the book.
  CHECK(push(book_frame("snapshot", R"([["99","1"]])", R"([["103","1"]])", 1)) == error_code::none);
  CHECK(book.seq() == 1);
  CHECK(book.best_bid() == lvl("99", "1"));
  CHECK(push(book_frame("delta", R"([["99","2"]])", "[]", 2)) == error_code::none);
  CHECK(book.synced());
}

TEST_CASE("Bybit robustness: every prefix, junk, mutations, bad values") {
  auto codec = venues::make_bybit_codec();
  check_samples_robust(*codec, "bybit");
  check_junk(*codec);
  check_all_malformed(*codec, {
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":-1}})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[]}})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["1","x"]],"a":[],"u":1}})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["1","1"]],"a":[],"u":99999999999999999999}})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"weird","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":1}})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":[]})"),
         std::string(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":"x","data":{"s":"BTCUSDT","b":[],"a":[],"u":1}})"),
         std::string(R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"1e99999"},"ts":1})"),
         std::string(R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","fundingIntervalHour":"-8"},"ts":1})"),
         std::string(R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","nextFundingTime":-5},"ts":1})"),
         std::string(R"({"topic":"tickers.BTCUSDT","type":"delta","ts":1})"),
         std::string(R"({"success":1,"op":"subscribe"})"),
  });
}

TEST_CASE("Bybit decode does not allocate once warm (20-level delta, every frame kind)") {
  auto codec = venues::make_bybit_codec();
  std::string bids, asks;
  for (int i = 0; i < 10; ++i) {
    bids += std::string(i ? "," : "") + R"([")" + std::to_string(27000 - i) + R"(.50","1.)" + std::to_string(i) + R"(00"])";
    asks += std::string(i ? "," : "") + R"([")" + std::to_string(27001 + i) + R"(.50","2.)" + std::to_string(i) + R"(00"])";
  }
  check_no_allocation(*codec, {book_frame("delta", "[" + bids + "]", "[" + asks + "]", 501),
                               venue_sample_of("bybit", "ws_orderbook_snapshot").json,
                               venue_sample_of("bybit", "ws_tickers_linear").json,
                               R"({"success":true,"ret_msg":"pong","conn_id":"x","req_id":"1","op":"ping"})",
                               R"({"success":true,"ret_msg":"","conn_id":"x","op":"subscribe"})",
                               R"({"success":false,"ret_msg":"Invalid topic","conn_id":"x","op":"subscribe"})",
                               "{broken"});
}
