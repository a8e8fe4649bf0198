// Bitget codec: every public sample, listing, REST depth, plan, control
// frames, sequence + checksum rule, robustness.
#include <doctest/doctest.h>

#include <simdjson.h>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/bitget/codec.hpp"
#include "venues/common/book_checksum.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

// Real v2 contract fields (BTCUSDT as Bitget lists it), a 1000-unit
// contract, a delivery contract, one in maintenance, an unparseable name.
const char* listing = R"({"code":"00000","msg":"success","requestTime":1731056538962,"data":[
 {"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","buyLimitPriceRatio":"0.05","sellLimitPriceRatio":"0.05","feeRateUpRatio":"0.005","makerFeeRate":"0.0002","takerFeeRate":"0.0006","openCostUpRatio":"0.01","supportMarginCoins":["USDT"],"minTradeNum":"0.0001","priceEndStep":"1","volumePlace":"4","pricePlace":"1","sizeMultiplier":"0.0001","symbolType":"perpetual","minTradeUSDT":"5","maxSymbolOrderNum":"200","maxProductOrderNum":"1000","maxPositionNum":"150","symbolStatus":"normal","offTime":"-1","limitOpenTime":"-1","deliveryTime":"","deliveryStartTime":"","deliveryPeriod":"","launchTime":"","fundInterval":"8","minLever":"1","maxLever":"125","posLimit":"0.1","maintainTime":"","openTime":"","maxMarketOrderQty":"220","maxOrderQty":"1200"},
 {"symbol":"1000SATSUSDT","baseCoin":"1000SATS","quoteCoin":"USDT","makerFeeRate":"0.0002","takerFeeRate":"0.0006","minTradeNum":"100","priceEndStep":"5","volumePlace":"0","pricePlace":"7","symbolType":"perpetual","minTradeUSDT":"5","symbolStatus":"normal","fundInterval":"4","maxLever":"50"},
 {"symbol":"BTCUSDT0329","baseCoin":"BTC","quoteCoin":"USDT","minTradeNum":"0.001","priceEndStep":"1","volumePlace":"3","pricePlace":"1","sizeMultiplier":"0.001","symbolType":"delivery","symbolStatus":"normal"},
 {"symbol":"ETHUSDT","baseCoin":"ETH","quoteCoin":"USDT","minTradeNum":"0.01","priceEndStep":"1","volumePlace":"2","pricePlace":"2","sizeMultiplier":"0.01","symbolType":"perpetual","symbolStatus":"maintain"},
 {"symbol":"BTCEUR","baseCoin":"BTC","quoteCoin":"EUR","minTradeNum":"0.001","priceEndStep":"1","volumePlace":"3","pricePlace":"1","symbolType":"perpetual","symbolStatus":"normal"}
]})";

std::string books(std::string_view action, std::string_view bids, std::string_view asks,
                  uint64_t seq, int64_t checksum) {
  return R"({"action":")" + std::string{action}
         + R"(","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},"data":[{"asks":)"
         + std::string{asks} + R"(,"bids":)" + std::string{bids} + R"(,"checksum":)"
         + std::to_string(checksum) + R"(,"seq":)" + std::to_string(seq)
         + R"(,"ts":"1695716059516"}],"ts":1695716059516})";
}

} // namespace

TEST_CASE("every Bitget sample decodes to its exact values") {
  auto codec = venues::make_bitget_codec();
  auto samples = venue_samples("bitget");
  REQUIRE(samples.size() >= 2);
  std::size_t checked = 0;
  for (const auto& s : samples) {
    INFO(s.kind);
    recorder rec;
    auto r = decode(*codec, s.json, rec);
    if (s.kind == "ws_ticker_usdt_futures") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      const auto& m = rec.marks[0];
      CHECK(m.symbol == "BTCUSDT");
      CHECK(m.mark == px("43476.4"));
      CHECK(m.index == px("43478.4"));
      CHECK(m.rate == rt("0.000096"));
      CHECK(m.next_funding_ts == ms(1701849600000));
      CHECK(m.interval_s == 0); // the ticker does not say
      CHECK(m.ts == ms(1701843962811));
    } else if (s.kind == "ws_books5_snapshot_SPOT_shape") {
      // books5: every push is a 5-level snapshot (spot sample, same shape).
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& b = rec.snapshots[0];
      CHECK(b.venue == "bitget");
      CHECK(b.symbol == "BTCUSDT");
      CHECK(b.seq == 0);
      CHECK(b.exchange_ts == ms(1656413855484));
      REQUIRE(b.asks.size() == 5);
      REQUIRE(b.bids.size() == 5);
      CHECK(b.asks.front() == lvl("21041.11", "0.0445"));
      CHECK(b.asks.back() == lvl("21041.65", "1.9465"));
      CHECK(b.bids.front() == lvl("21040.76", "0.0417"));
      CHECK(b.bids.back() == lvl("21040.6", "1.3357"));
      // Its checksum is of the strings as sent: "21040.60" here, so our
      // shortest-decimal text ("21040.6") gives another CRC (book_checksum.hpp).
      CHECK(venues::book_checksum(b.bids, b.asks) != -1367582038);
    } else {
      FAIL("new Bitget sample kind without expectations: " << s.kind);
    }
    ++checked;
  }
  CHECK(checked == samples.size());
}

TEST_CASE("Bitget listing: normal perpetuals, tick from pricePlace/priceEndStep") {
  auto codec = venues::make_bitget_codec();
  REQUIRE(codec->instruments_requests().size() == 1);
  CHECK(codec->instruments_requests()[0].target
        == "/api/v2/mix/market/contracts?productType=USDT-FUTURES");
  std::vector<std::string> bodies{listing}, skipped;
  auto specs = codec->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 2);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "bitget");
  CHECK(btc.native_symbol == "BTCUSDT");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.quote == "USDT");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.1"));
  CHECK(btc.lot == qty("0.0001"));
  CHECK(btc.min_qty == qty("0.0001"));
  CHECK(btc.min_notional == money::from_units(5));
  CHECK(btc.maker_fee == rt("0.0002"));
  CHECK(btc.taker_fee == rt("0.0006"));
  CHECK(btc.max_leverage == 125);
  CHECK(btc.funding_interval_s == 8 * 3600);
  const auto& sats = (*specs)[1];
  CHECK(sats.native_symbol == "1000SATSUSDT");
  CHECK(sats.base == "SATS");
  CHECK(sats.multiplier == ratio::from_units(1000));
  CHECK(sats.tick == px("0.0000005")); // 5 x 10^-7
  CHECK(sats.lot == qty("1"));         // no sizeMultiplier: 10^-volumePlace
  CHECK(sats.funding_interval_s == 4 * 3600);
  REQUIRE(skipped.size() == 3);
  CHECK(skipped[0] == "BTCUSDT0329: not a perpetual (symbolType delivery)");
  CHECK(skipped[1] == "ETHUSDT: not trading (symbolStatus maintain)");
  CHECK(skipped[2].rfind("BTCEUR: ", 0) == 0);
  for (std::string bad : {R"({"code":"40034","msg":"Parameter does not exist","requestTime":1,"data":null})",
                          R"({"code":"00000","msg":"success","requestTime":1,"data":{}})",
                          R"({"code":"00000","msg":"success"})", "{", "[]"}) {
    std::vector<std::string> b{bad};
    INFO(bad);
    CHECK(!codec->parse_instruments(b));
  }
}

TEST_CASE("Bitget REST merge-depth: numbers, no sequence") {
  auto codec = venues::make_bitget_codec();
  CHECK(codec->snapshot_request("BTCUSDT").target
        == "/api/v2/mix/market/merge-depth?symbol=BTCUSDT&productType=USDT-FUTURES&precision=scale0");
  // The docs' response example.
  const std::string body = R"({"code":"00000","msg":"success","requestTime":1695870963008,"data":{"asks":[[26347.5,0.25],[26348.0,0.16]],"bids":[[26346.5,0.16],[26346.0,0.32]],"ts":"1695870968804","scale":"0.1","precision":"scale0","isMaxPrecision":"NO"}})";
  auto s = codec->parse_snapshot("BTCUSDT", body);
  REQUIRE(s);
  CHECK(s->venue == "bitget");
  CHECK(s->symbol == "BTCUSDT");
  CHECK(s->seq == 0);
  CHECK(s->exchange_ts == ms(1695870968804));
  CHECK(s->asks == std::vector<book_level>{lvl("26347.5", "0.25"), lvl("26348", "0.16")});
  CHECK(s->bids == std::vector<book_level>{lvl("26346.5", "0.16"), lvl("26346", "0.32")});
  CHECK(!codec->parse_snapshot("BTCUSDT", R"({"code":"40034","msg":"Parameter BTCUSDX does not exist","requestTime":1,"data":null})"));
  CHECK(!codec->parse_snapshot("BTCUSDT", body.substr(0, body.size() - 2)));
}

TEST_CASE("Bitget plan: books, books1 and ticker, 16 symbols per connection") {
  auto codec = venues::make_bitget_codec();
  const auto& info = codec->info();
  CHECK(info.name == "bitget");
  CHECK(info.sync == venues::sync_mode::in_band);
  CHECK(info.ws_mainnet == "wss://ws.bitget.com");
  CHECK(info.ws_testnet.empty());
  CHECK(info.heartbeat.ping_text == "ping");
  std::vector<std::string> natives;
  for (int i = 0; i < 40; ++i)
    natives.push_back("C" + std::to_string(i) + "USDT");
  auto plan = codec->plan(natives);
  REQUIRE(plan.size() == 3);
  simdjson::dom::parser parser;
  std::size_t total = 0;
  for (const auto& p : plan) {
    CHECK(p.target == "/v2/ws/public");
    CHECK(p.books);
    REQUIRE(p.subscribe.size() == 3);
    std::vector<std::string> channels;
    std::size_t n_first = 0;
    for (const auto& f : p.subscribe) {
      auto doc = parser.parse(f);
      REQUIRE(doc.error() == simdjson::SUCCESS);
      simdjson::dom::array args = doc["args"];
      channels.emplace_back(std::string_view(args.at(0)["channel"]));
      CHECK(std::string_view(args.at(0)["instType"]) == "USDT-FUTURES");
      if (n_first == 0)
        n_first = args.size();
      CHECK(args.size() == n_first);
    }
    CHECK(channels == std::vector<std::string>{"books", "books1", "ticker"});
    CHECK(n_first * 3 <= info.max_streams_per_connection);
    total += n_first;
  }
  CHECK(total == 40);
  auto re = codec->resubscribe_book("BTCUSDT");
  REQUIRE(re.size() == 2);
  CHECK(re[0] == R"({"op":"unsubscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}]})");
  CHECK(re[1] == R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}]})");
}

TEST_CASE("Bitget control frames and BBO") {
  auto codec = venues::make_bitget_codec();
  recorder rec;
  CHECK(decode(*codec, "pong", rec).kind == frame_kind::pong);
  CHECK(decode(*codec, "ping", rec).reply == "pong");
  CHECK(decode(*codec, R"({"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"books5","instId":"BTCUSDT"}})", rec).kind
        == frame_kind::ack);
  auto e = decode(*codec, R"({"event":"error","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"NOPE"},"code":30001,"msg":"instType:USDT-FUTURES,channel:books,instId:NOPE doesn't exist","op":"subscribe"})", rec);
  CHECK(e.kind == frame_kind::error);
  CHECK(e.error == "30001: instType:USDT-FUTURES,channel:books,instId:NOPE doesn't exist");
  CHECK(decode(*codec, R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1","price":"1","size":"1","side":"buy","tradeId":"1"}],"ts":1})", rec).kind
        == frame_kind::ignored);
  CHECK(rec.calls() == 0);
  REQUIRE(decode(*codec, R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"books1","instId":"BTCUSDT"},"data":[{"asks":[["27000.5","8.760"]],"bids":[["27000.0","2.710"]],"checksum":0,"seq":123,"ts":"1695716059516"}],"ts":1695716059516})", rec).kind
          == frame_kind::data);
  REQUIRE(rec.tops.size() == 1);
  CHECK(rec.tops[0].symbol == "BTCUSDT");
  CHECK(rec.tops[0].seq == 123);
  CHECK(rec.tops[0].bid == lvl("27000", "2.71"));
  CHECK(rec.tops[0].ask == lvl("27000.5", "8.76"));
  CHECK(rec.tops[0].exchange_ts == ms(1695716059516));
}

TEST_CASE("Bitget sequence and checksum: newer updates apply, old ones are ignored, a lost one fails the CRC") {
  auto codec = venues::make_bitget_codec();
  order_book book;
  std::optional<int32_t> crc;
  auto push = [&](const std::string& f) {
    recorder rec;
    REQUIRE(decode(*codec, f, rec).kind == frame_kind::data);
    if (!rec.snapshots.empty())
      return book.apply(rec.snapshots[0]);
    crc = rec.checksums.at(0);
    CHECK(rec.deltas[0].first_seq == 1);
    CHECK(rec.deltas[0].prev_seq == 0);
    return book.apply(rec.deltas[0]);
  };
  auto local = [&] {
    book_snapshot s;
    book.to_snapshot(s, 25);
    return venues::book_checksum(s.bids, s.asks);
  };
  REQUIRE(push(books("snapshot", R"([["3366.1","7"]])", R"([["3366.8","9"],["3368","8"]])", 100, 0)) == error_code::none);
  // seq is only increasing: 100 -> 105 applies (docs example CRC 831078360).
  CHECK(push(books("update", "[]", R"([["3372","8"]])", 105, 831078360)) == error_code::none);
  REQUIRE(crc);
  CHECK(*crc == 831078360);
  CHECK(local() == *crc);
  // Old or duplicate: ignored.
  CHECK(push(books("update", R"([["3366.1","1"]])", "[]", 105, 1)) == error_code::none);
  CHECK(book.best_bid() == lvl("3366.1", "7"));
  // An update is lost: the next one's CRC (of the venue's book) no longer
  // matches the local book.
  book_snapshot venue_book;
  book.to_snapshot(venue_book, 25);
  venue_book.bids.insert(venue_book.bids.begin() + 1, lvl("3366", "6")); // the lost change
  REQUIRE(venue_book.asks.back() == lvl("3372", "8"));
  venue_book.asks.pop_back(); // and the update below
  const int32_t venue_crc = venues::book_checksum(venue_book.bids, venue_book.asks);
  CHECK(push(books("update", "[]", R"([["3372","0"]])", 110, venue_crc)) == error_code::none);
  CHECK(local() != *crc);
  // checksum 0 = none.
  CHECK(push(books("update", "[]", R"([["3373","1"]])", 111, 0)) == error_code::none);
  CHECK(!crc);
  // A fresh snapshot resets.
  CHECK(push(books("snapshot", R"([["3366","1"]])", R"([["3367","1"]])", 50, 0)) == error_code::none);
  CHECK(book.seq() == 50);
  CHECK(push(books("update", R"([["3366","2"]])", "[]", 51, 0)) == error_code::none);
}

TEST_CASE("Bitget robustness: every prefix, junk, mutations, bad values") {
  auto codec = venues::make_bitget_codec();
  check_samples_robust(*codec, "bitget");
  check_junk(*codec);
  check_all_malformed(*codec, {
         books("update", "[]", "[]", 0, 0),
         books("update", R"([["1","-1"]])", "[]", 5, 0),
         books("update", R"([["abc","1"]])", "[]", 5, 0),
         books("resend", "[]", "[]", 5, 0),
         std::string(R"({"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},"data":[{"asks":[],"bids":[],"checksum":99999999999,"seq":5}]})"),
         std::string(R"({"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},"data":[{"asks":[],"bids":[],"seq":-5}]})"),
         std::string(R"({"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},"data":{}})"),
         std::string(R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"},"data":[{"instId":"BTCUSDT","lastPr":"1"}]})"),
         std::string(R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"},"data":[{"instId":"BTCUSDT","markPrice":[]}]})"),
         std::string(R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"},"data":[{"instId":"BTCUSDT","fundingRate":"1","nextFundingTime":"soon"}]})"),
         std::string(R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"books1"},"data":[{"asks":[],"bids":[]}]})"),
  });
}

TEST_CASE("Bitget decode does not allocate once warm (20-level update, every frame kind)") {
  auto codec = venues::make_bitget_codec();
  std::string bids, asks;
  for (int i = 0; i < 10; ++i) {
    bids += std::string(i ? "," : "") + R"([")" + std::to_string(27000 - i) + R"(.5","1.)" + std::to_string(i) + R"("])";
    asks += std::string(i ? "," : "") + R"([")" + std::to_string(27001 + i) + R"(.5","2.)" + std::to_string(i) + R"("])";
  }
  check_no_allocation(*codec, {books("update", "[" + bids + "]", "[" + asks + "]", 101, -5),
                               venue_sample_of("bitget", "ws_ticker_usdt_futures").json,
                               venue_sample_of("bitget", "ws_books5_snapshot_SPOT_shape").json,
                               R"({"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}})",
                               R"({"event":"error","code":30001,"msg":"doesn't exist"})",
                               "pong", "{broken"});
}
