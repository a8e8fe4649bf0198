// OKX codec: every public sample, listing, REST snapshot, plan, control
// frames, robustness.
#include <doctest/doctest.h>

#include <simdjson.h>

#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/okx/codec.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

std::unique_ptr<venues::md_codec> spot_aware_codec() {
  auto c = venues::make_okx_codec();
  // The public book samples are of the spot pair BTC-USDT (sizes in coins).
  dynamic_cast<venues::okx_codec&>(*c).learn_contract("BTC-USDT", ratio::from_units(1));
  return c;
}

void check_sample_book(const std::vector<book_level>& bids, const std::vector<book_level>& asks) {
  REQUIRE(bids.size() == 8);
  REQUIRE(asks.size() == 8);
  CHECK(bids.front() == lvl("8476.97", "256"));
  CHECK(bids.back() == lvl("8446", "95"));
  CHECK(asks.front() == lvl("8476.98", "415"));
  CHECK(asks[1] == lvl("8477", "7"));
  CHECK(asks.back() == lvl("8506.96", "100"));
}

// Nautilus' OKX listing sample (inverse BTC-USD, linear ETH and BTC), plus a
// suspended contract and a name the symbol parser rejects.
const char* listing = R"({"code":"0","msg":"","data":[
 {"ctMult":"1","ctType":"inverse","ctVal":"100","ctValCcy":"USD","instFamily":"BTC-USD","instId":"BTC-USD-SWAP","instType":"SWAP","lever":"100","lotSz":"1","minSz":"1","settleCcy":"BTC","state":"live","tickSz":"0.1","uly":"BTC-USD"},
 {"ctMult":"1","ctType":"linear","ctVal":"0.1","ctValCcy":"ETH","instFamily":"ETH-USDT","instId":"ETH-USDT-SWAP","instIdCode":10461,"instType":"SWAP","lever":"100","lotSz":"0.01","maxIcebergSz":"100000000.0000000000000000","minSz":"0.01","settleCcy":"USDT","state":"live","tickSz":"0.01","tradeQuoteCcyList":[],"uly":"ETH-USDT"},
 {"ctMult":"1","ctType":"linear","ctVal":"0.01","ctValCcy":"BTC","instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","lever":"125","lotSz":"0.01","minSz":"0.01","settleCcy":"USDT","state":"live","tickSz":"0.1","uly":"BTC-USDT"},
 {"ctType":"linear","ctVal":"10","instId":"DOGE-USDT-SWAP","instType":"SWAP","lever":"50","lotSz":"1","minSz":"1","settleCcy":"USDT","state":"suspend","tickSz":"0.00001"},
 {"ctType":"linear","ctVal":"1","instId":"WEIRD","instType":"SWAP","lever":"50","lotSz":"1","minSz":"1","settleCcy":"USDT","state":"live","tickSz":"0.1"}
]})";

} // namespace

TEST_CASE("every OKX sample decodes to its exact values") {
  auto codec = spot_aware_codec();
  auto samples = venue_samples("okx");
  REQUIRE(samples.size() >= 4);
  std::size_t checked = 0;
  for (const auto& s : samples) {
    INFO(s.kind);
    recorder rec;
    auto r = decode(*codec, s.json, rec, 42);
    if (s.kind == "ws_books_snapshot") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.snapshots.size() == 1);
      const auto& b = rec.snapshots[0];
      CHECK(b.venue == "okx");
      CHECK(b.symbol == "BTC-USDT");
      CHECK(b.seq == 123456);
      CHECK(b.exchange_ts == ms(1597026383085));
      CHECK(b.recv_ts == 42);
      check_sample_book(b.bids, b.asks);
    } else if (s.kind == "ws_books_update") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.deltas.size() == 1);
      const auto& d = rec.deltas[0];
      const auto& crc = rec.checksums[0];
      CHECK(d.symbol == "BTC-USDT");
      CHECK(d.prev_seq == 123456);
      CHECK(d.seq == 123457);
      CHECK(d.first_seq == 0);
      CHECK(d.exchange_ts == ms(1597026383085));
      CHECK(crc == std::optional<int32_t>{-855196043}); // illustrative, not the real CRC
      check_sample_book(d.bids, d.asks);
    } else if (s.kind == "ws_bbo_tbt") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.tops.size() == 1);
      const auto& t = rec.tops[0];
      CHECK(t.symbol == "BTC-USDT");
      CHECK(t.seq == 123456);
      CHECK(t.bid == lvl("8476.97", "256"));
      CHECK(t.ask == lvl("8476.98", "415"));
      CHECK(t.exchange_ts == ms(1597026383085));
      CHECK(t.recv_ts == 42);
    } else if (s.kind == "ws_funding_rate") {
      CHECK(r.kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      const auto& m = rec.marks[0];
      CHECK(m.symbol == "BTC-USD-SWAP"); // funding needs no listing
      CHECK(m.rate == rt("0.000187539")); // 0.0001875391284828 to the nearest nano
      CHECK(m.next_funding_ts == ms(1700726400000));
      CHECK(m.interval_s == 8 * 3600);
      CHECK(m.ts == ms(1700724675402));
      CHECK(!m.mark);
      CHECK(!m.index);
    } else {
      FAIL("new OKX sample kind without expectations: " << s.kind);
    }
    ++checked;
  }
  CHECK(checked == samples.size());
}

TEST_CASE("OKX books need the contract value and come out in coins") {
  const auto snap = venue_sample_of("okx", "ws_books_snapshot").json;
  const auto upd = venue_sample_of("okx", "ws_books_update").json;
  auto codec = venues::make_okx_codec();
  auto& okx = dynamic_cast<venues::okx_codec&>(*codec);
  recorder rec;
  auto r = decode(*codec, snap, rec);
  CHECK(r.kind == frame_kind::ignored);
  CHECK(r.error.find("BTC-USDT") != std::string::npos);
  CHECK(rec.calls() == 0);
  CHECK(decode(*codec, venue_sample_of("okx", "ws_bbo_tbt").json, rec).kind
        == frame_kind::ignored);

  okx.learn_contract("BTC-USDT", rt("0.01"));
  CHECK(okx.contract_value("BTC-USDT") == rt("0.01"));
  CHECK(!okx.contract_value("ETH-USDT"));
  REQUIRE(decode(*codec, snap, rec).kind == frame_kind::data);
  REQUIRE(decode(*codec, upd, rec).kind == frame_kind::data);
  CHECK(rec.snapshots[0].asks.front() == lvl("8476.98", "4.15"));
  CHECK(rec.snapshots[0].bids.back() == lvl("8446", "0.95"));
  // The CRC covers contract sizes: forwarded as sent; the session checks it
  // with checksum(), which turns the coin sizes back into contracts.
  REQUIRE(rec.checksums[0]);
  CHECK(*rec.checksums[0] == -855196043); // the sample's value
  CHECK(rec.deltas[0].asks[1] == lvl("8477", "0.07"));
}

TEST_CASE("OKX listing: live linear swaps in coins, the rest skipped with a reason") {
  auto codec = venues::make_okx_codec();
  auto& okx = dynamic_cast<venues::okx_codec&>(*codec);
  CHECK(codec->instruments_requests().size() == 1);
  CHECK(codec->instruments_requests()[0].target == "/api/v5/public/instruments?instType=SWAP");
  CHECK(codec->instruments_requests()[0].method == "GET");
  std::vector<std::string> bodies{listing}, skipped;
  auto specs = codec->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 2);
  const auto& eth = (*specs)[0];
  CHECK(eth.venue == "okx");
  CHECK(eth.native_symbol == "ETH-USDT-SWAP");
  CHECK(eth.symbol == "ETH-PERP");
  CHECK(eth.base == "ETH");
  CHECK(eth.quote == "USDT");
  CHECK(eth.multiplier == ratio::from_units(1));
  CHECK(eth.tick == px("0.01"));
  CHECK(eth.lot == qty("0.001"));     // 0.01 contract x 0.1 ETH
  CHECK(eth.min_qty == qty("0.001"));
  CHECK(eth.min_notional == money::zero());
  CHECK(eth.maker_fee == rt("0.0002"));
  CHECK(eth.taker_fee == rt("0.0005"));
  CHECK(eth.max_leverage == 100);
  CHECK(eth.funding_interval_s == 28800);
  const auto& btc = (*specs)[1];
  CHECK(btc.native_symbol == "BTC-USDT-SWAP");
  CHECK(btc.lot == qty("0.0001"));
  CHECK(btc.max_leverage == 125);
  CHECK(okx.contract_value("BTC-USDT-SWAP") == rt("0.01"));
  CHECK(okx.contract_value("ETH-USDT-SWAP") == rt("0.1"));
  CHECK(!okx.contract_value("BTC-USD-SWAP"));
  REQUIRE(skipped.size() == 3);
  CHECK(skipped[0] == "BTC-USD-SWAP: not linear (ctType inverse)");
  CHECK(skipped[1] == "DOGE-USDT-SWAP: not trading (state suspend)");
  CHECK(skipped[2].rfind("WEIRD: ", 0) == 0);

  // Venue errors and documents of another shape fail.
  for (std::string bad : {R"({"code":"50011","msg":"Too Many Requests","data":[]})",
                          R"({"code":"0","msg":""})", "[1,2]", "not json",
                          R"({"code":"0","msg":"","data":[1]})",
                          R"({"code":"0","msg":"","data":[]} x)"}) {
    std::vector<std::string> b{bad};
    CHECK(!codec->parse_instruments(b));
  }
  std::vector<std::string> two{listing, listing};
  CHECK(!codec->parse_instruments(two));
}

TEST_CASE("OKX REST books: sizes in coins, no sequence") {
  auto codec = venues::make_okx_codec();
  std::vector<std::string> bodies{listing};
  REQUIRE(codec->parse_instruments(bodies));
  auto req = codec->snapshot_request("ETH-USDT-SWAP");
  CHECK(req.method == "GET");
  CHECK(req.target == "/api/v5/market/books?instId=ETH-USDT-SWAP&sz=400");
  // nautilus http_get_order_book.json
  const std::string body = R"({"code":"0","msg":"","data":[{"asks":[["41006.8","0.60038921","0","1"],["41006.9","0.30178218","0","2"],["41007.0","2.05842530","0","3"]],"bids":[["41006.7","0.48792100","0","1"],["41006.6","0.23970000","0","2"],["41006.5","1.12500000","0","3"]],"ts":"1704067200000"}]})";
  auto s = codec->parse_snapshot("ETH-USDT-SWAP", body);
  REQUIRE(s);
  CHECK(s->venue == "okx");
  CHECK(s->symbol == "ETH-USDT-SWAP");
  CHECK(s->seq == 0);
  CHECK(s->exchange_ts == ms(1704067200000));
  REQUIRE(s->asks.size() == 3);
  CHECK(s->asks[0] == lvl("41006.8", "0.060038921")); // x ctVal 0.1
  CHECK(s->asks[2] == lvl("41007", "0.20584253"));
  CHECK(s->bids[2] == lvl("41006.5", "0.1125"));
  CHECK(!codec->parse_snapshot("XRP-USDT-SWAP", body)); // ctVal unknown
  CHECK(!codec->parse_snapshot("ETH-USDT-SWAP", R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})"));
  CHECK(!codec->parse_snapshot("ETH-USDT-SWAP", body.substr(0, body.size() - 1)));
  CHECK(!codec->parse_snapshot("ETH-USDT-SWAP", R"({"code":"0","msg":"","data":[{"asks":[["-1","1"]],"bids":[]}]})"));
}

TEST_CASE("OKX plan: 30 books per connection, four channels per symbol") {
  auto codec = venues::make_okx_codec();
  const auto& info = codec->info();
  CHECK(info.name == "okx");
  CHECK(info.sync == venues::sync_mode::in_band);
  CHECK(info.ws_mainnet == "wss://ws.okx.com:8443");
  CHECK(info.rest_mainnet == "https://www.okx.com");
  CHECK(info.heartbeat.ping_text == "ping");
  CHECK(info.heartbeat.ping_interval_ns == 20'000'000'000);
  CHECK(info.max_streams_per_connection == 120);
  std::vector<std::string> natives;
  for (int i = 0; i < 65; ++i)
    natives.push_back("C" + std::to_string(i) + "-USDT-SWAP");
  auto plan = codec->plan(natives);
  REQUIRE(plan.size() == 3);
  simdjson::dom::parser parser;
  std::size_t total = 0;
  for (const auto& p : plan) {
    CHECK(p.target == "/ws/v5/public");
    CHECK(p.books);
    REQUIRE(p.subscribe.size() == 4);
    std::vector<std::string> channels;
    std::size_t args_of_first = 0;
    for (const auto& f : p.subscribe) {
      auto doc = parser.parse(f);
      REQUIRE(doc.error() == simdjson::SUCCESS);
      CHECK(std::string_view(doc["op"]) == "subscribe");
      simdjson::dom::array args = doc["args"];
      std::size_t n = 0;
      for (auto a : args) {
        if (n == 0)
          channels.emplace_back(std::string_view(a["channel"]));
        ++n;
      }
      if (channels.size() == 1)
        args_of_first = n;
      CHECK(n == args_of_first);
    }
    CHECK(channels == std::vector<std::string>{"books", "bbo-tbt", "funding-rate", "mark-price"});
    CHECK(args_of_first * 4 <= info.max_streams_per_connection);
    total += args_of_first;
  }
  CHECK(total == 65);
  CHECK(codec->plan({}).empty());
  auto re = codec->resubscribe_book("BTC-USDT-SWAP");
  REQUIRE(re.size() == 2);
  CHECK(re[0] == R"({"op":"unsubscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"}]})");
  CHECK(re[1] == R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"}]})");
}

TEST_CASE("OKX control frames: pong, acks, errors, notices, other channels") {
  auto codec = venues::make_okx_codec();
  recorder rec;
  CHECK(decode(*codec, "pong", rec).kind == frame_kind::pong);
  auto ping = decode(*codec, "ping", rec);
  CHECK(ping.kind == frame_kind::ping);
  CHECK(ping.reply == "pong");
  CHECK(decode(*codec, R"({"id":"1512","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55"})", rec).kind
        == frame_kind::ack);
  CHECK(decode(*codec, R"({"event":"unsubscribe","arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55"})", rec).kind
        == frame_kind::ack);
  auto err = decode(*codec, R"({"event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\"}","connId":"a4d3ae55"})", rec);
  CHECK(err.kind == frame_kind::error);
  CHECK(err.error == R"(60012: Invalid request: {"op": "subscribe"})");
  auto notice = decode(*codec, R"({"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"})", rec);
  CHECK(notice.kind == frame_kind::info);
  CHECK(notice.error.find("64008") != std::string::npos);
  CHECK(decode(*codec, R"({"event":"channel-conn-count","channel":"books","connCount":"2","connId":"a4d3ae55"})", rec).kind
        == frame_kind::info);
  auto tick = decode(*codec, R"({"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP","last":"9999.99"}]})", rec);
  CHECK(tick.kind == frame_kind::ignored);
  CHECK(tick.error == "channel tickers");
  CHECK(decode(*codec, R"({"id":"1","op":"order","code":"0","msg":"","data":[]})", rec).kind
        == frame_kind::ignored);
  CHECK(decode(*codec, R"({"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP","instType":"SWAP","markPx":"42310.6","ts":"1630049139746"}]})", rec).kind
        == frame_kind::data);
  REQUIRE(rec.marks.size() == 1);
  CHECK(rec.marks[0].mark == px("42310.6"));
  CHECK(!rec.marks[0].rate);
  CHECK(rec.marks[0].ts == ms(1630049139746));
  // Our channels with missing or wrong fields are malformed, never data.
  for (std::string bad : {
         R"({"arg":{"channel":"mark-price","instId":"X"},"data":[{"instId":"X","ts":"1"}]})",
         R"({"arg":{"channel":"funding-rate","instId":"X"},"data":[{"fundingRate":"abc"}]})",
         R"({"arg":{"channel":"funding-rate","instId":"X"},"data":[]})",
         R"({"arg":{"channel":"funding-rate","instId":"X"},"data":[{"fundingRate":"0.1"},{"fundingRate":"0.2"}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"seqId":5}]})",
       }) {
    auto r = decode(*codec, bad, rec);
    INFO(bad);
    CHECK((r.kind == frame_kind::malformed || r.kind == frame_kind::ignored));
  }
  CHECK(rec.marks.size() == 1);
}

TEST_CASE("OKX robustness: every prefix, junk and mutations") {
  auto codec = spot_aware_codec();
  check_samples_robust(*codec, "okx");
  check_junk(*codec);
  // Numbers out of range and wrong types in our fields.
  check_all_malformed(*codec, {
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["1","1"]],"bids":[],"seqId":99999999999999999999999}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["1e400","1"]],"bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["1","99999999999"]],"bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":"x","bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["1"]],"bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[[{},[]]],"bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"seqId":1,"prevSeqId":-5}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"seqId":1,"prevSeqId":0,"checksum":99999999999}]})",
         R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"resend","data":[{"asks":[],"bids":[],"seqId":1}]})",
         R"({"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["0","1"]],"bids":[],"ts":"-1"}]})",
         R"({"arg":{"channel":"funding-rate","instId":"X"},"data":[{"fundingRate":"0.1","fundingTime":"99999999999999999999"}]})",
  });
}

TEST_CASE("OKX decode does not allocate once warm (20-level update, every frame kind)") {
  auto codec = venues::make_okx_codec();
  dynamic_cast<venues::okx_codec&>(*codec).learn_contract("BTC-USDT-SWAP", rt("0.01"));
  dynamic_cast<venues::okx_codec&>(*codec).learn_contract("BTC-USDT", ratio::from_units(1));
  std::string bids, asks;
  for (int i = 0; i < 10; ++i) {
    bids += std::string(i ? "," : "") + R"([")" + std::to_string(27000 - i) + R"(.5","1)" + std::to_string(i) + R"(","0","2"])";
    asks += std::string(i ? "," : "") + R"([")" + std::to_string(27001 + i) + R"(.5","2)" + std::to_string(i) + R"(","0","3"])";
  }
  const std::string update = R"({"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":"update","data":[{"asks":[)" + asks + R"(],"bids":[)" + bids + R"(],"ts":"1700000000000","checksum":-1,"prevSeqId":100,"seqId":101}]})";
  check_no_allocation(*codec, {update, venue_sample_of("okx", "ws_books_snapshot").json,
                               venue_sample_of("okx", "ws_bbo_tbt").json,
                               venue_sample_of("okx", "ws_funding_rate").json,
                               R"({"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP","instType":"SWAP","markPx":"42310.6","ts":"1630049139746"}]})",
                               R"({"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55"})",
                               R"({"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"})",
                               "pong", "ping", "{broken"});
}
