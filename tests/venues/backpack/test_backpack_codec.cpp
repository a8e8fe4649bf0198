// Backpack codec: every public sample, documented event shapes, listing and
// snapshot parsing, plan, the U == previous u + 1 rule with the REST bridge,
// robustness and allocation-free decoding.

#include <doctest/doctest.h>

#include "tests/venues/binance/venue_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/backpack/codec.hpp"

using namespace xarb;
using namespace xarb::test;
using venues::frame_kind;

namespace {

constexpr timestamp_ns us(int64_t v) { return v * 1'000; }

std::string depth(uint64_t U, uint64_t u, std::string_view bid) {
  return R"({"data":{"E":"1754903057555305","T":"1754903057554352","U":)" + std::to_string(U)
         + R"(,"a":[],"b":[)" + std::string{bid} + R"(],"e":"depth","s":"BTC_USDC_PERP","u":)"
         + std::to_string(u) + R"(},"stream":"depth.BTC_USDC_PERP"})";
}

} // namespace

TEST_CASE("backpack: every public sample decodes to its exact values") {
  auto codec = venues::make_backpack_codec();
  const auto samples = venue_samples("backpack");
  REQUIRE(samples.size() >= 2);
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    recorder h;
    REQUIRE(decode(*codec, s.json, h, 11).kind == frame_kind::data);
    REQUIRE(h.deltas.size() == 1);
    const auto& d = h.deltas[0];
    CHECK(d.venue == "backpack");
    CHECK(d.recv_ts == 11);
    if (s.kind == "ws_depth_delta") {
      CHECK(d.symbol == "ETH_USDC");
      CHECK(d.first_seq == 1345937436);
      CHECK(d.seq == 1345937436);
      CHECK(d.prev_seq == 1345937435); // U - 1
      CHECK(d.exchange_ts == us(1754903057554352)); // T (engine time), a string
      CHECK(d.bids.empty());
      CHECK(d.asks.empty());
    } else if (s.kind == "ws_depth_delta_data_only") {
      CHECK(d.symbol == "BTC_USDC_PERP");
      CHECK(d.first_seq == 1662976171);
      CHECK(d.seq == 1662976171);
      CHECK(d.prev_seq == 1662976170);
      CHECK(d.exchange_ts == us(1759338824895616));
      CHECK(d.bids == std::vector<book_level>{lvl("117357", "0")});
      CHECK(d.asks.empty());
    } else {
      FAIL("new backpack sample kind: add its expected values here");
    }
  }
}

TEST_CASE("backpack: documented book ticker, mark price, errors and other events") {
  auto codec = venues::make_backpack_codec();
  recorder h;
  // API docs example (numbers for E/T, u a string).
  auto r = decode(*codec, R"({"stream":"bookTicker.SOL_USDC","data":{"e":"bookTicker","E":1694687965941000,"s":"SOL_USDC","a":"18.70","A":"1.000","b":"18.67","B":"2.000","u":"111063070525358080","T":1694687965940999}})", h);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(h.tops.size() == 1);
  CHECK(h.tops[0].venue == "backpack");
  CHECK(h.tops[0].symbol == "SOL_USDC");
  CHECK(h.tops[0].seq == 111063070525358080ULL);
  CHECK(h.tops[0].bid == lvl("18.67", "2"));
  CHECK(h.tops[0].ask == lvl("18.7", "1"));
  CHECK(h.tops[0].exchange_ts == us(1694687965940999));
  // bpx-api-client test payload: 28-decimal rate, n in ms although documented as us.
  r = decode(*codec, R"({"E":1747291031914525,"T":1747291031910025,"e":"markPrice","f":"-0.0000039641039274236048482914","i":"173.44031179","n":1747296000000,"p":"173.35998175","s":"SOL_USDC_PERP"})", h);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(h.marks.size() == 1);
  const auto& m = h.marks[0];
  CHECK(m.symbol == "SOL_USDC_PERP");
  CHECK(m.mark == px("173.35998175"));
  CHECK(m.index == px("173.44031179"));
  CHECK(m.rate == rt("-0.000003964"));
  CHECK(m.next_funding_ts == ms(1747296000000));
  CHECK(m.ts == us(1747291031914525));
  // The same field in microseconds (as documented) gives the same time.
  r = decode(*codec, R"({"e":"markPrice","E":1,"s":"X","p":"1","f":"0.0001","i":"1","n":1747296000000000})", h);
  REQUIRE(r.kind == frame_kind::data);
  CHECK(h.marks.back().next_funding_ts == ms(1747296000000));

  r = decode(*codec, R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})", h);
  CHECK(r.kind == frame_kind::error);
  CHECK(r.error == "backpack error 4006: Invalid stream");
  r = decode(*codec, R"({"data":{"E":"1754176123312507","V":"19419526.742584","c":"3398.57","e":"ticker","h":"3536.65","l":"3371.8","n":17152,"o":"3475.45","s":"ETH_USDC","v":"5573.5827"},"stream":"ticker.ETH_USDC"})", h);
  CHECK(r.kind == frame_kind::ignored);
  CHECK(r.error == "event ticker not handled");
  CHECK(decode(*codec, R"({"result":null,"id":1})", h).kind == frame_kind::ack);
  CHECK(decode(*codec, R"({"data":{"s":"X"}})", h).kind == frame_kind::ignored);
  CHECK(decode(*codec, depth(0, 0, ""), h).kind == frame_kind::malformed);
  CHECK(decode(*codec, depth(5, 4, ""), h).kind == frame_kind::malformed);
  CHECK(h.calls() == 3);
}

TEST_CASE("backpack: info, requests and plan") {
  auto codec = venues::make_backpack_codec();
  const auto& i = codec->info();
  CHECK(i.name == "backpack");
  CHECK(i.sync == venues::sync_mode::rest_bridge);
  CHECK(i.ws_mainnet == "wss://ws.backpack.exchange");
  CHECK(i.rest_mainnet == "https://api.backpack.exchange");
  CHECK(i.ws_testnet.empty());
  CHECK(i.heartbeat.ws_ping_frames);
  REQUIRE(codec->instruments_requests().size() == 1);
  CHECK(codec->instruments_requests()[0].target == "/api/v1/markets");
  CHECK(codec->snapshot_request("BTC_USDC_PERP").target == "/api/v1/depth?symbol=BTC_USDC_PERP&limit=1000");
  CHECK(codec->resubscribe_book("BTC_USDC_PERP").empty());
  const std::vector<std::string> natives{"BTC_USDC_PERP", "kPEPE_USDC_PERP"};
  const auto plans = codec->plan(natives);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].target == "/");
  CHECK(plans[0].books);
  CHECK(plans[0].subscribe == std::vector<std::string>{
          R"({"method":"SUBSCRIBE","params":["depth.BTC_USDC_PERP","bookTicker.BTC_USDC_PERP","depth.kPEPE_USDC_PERP","bookTicker.kPEPE_USDC_PERP"]})"});
  CHECK(plans[1].subscribe == std::vector<std::string>{
          R"({"method":"SUBSCRIBE","params":["markPrice.BTC_USDC_PERP","markPrice.kPEPE_USDC_PERP"]})"});
  std::vector<std::string> many;
  for (int k = 0; k < 230; ++k)
    many.push_back("C" + std::to_string(k) + "_USDC_PERP");
  std::size_t total = 0;
  for (const auto& p : codec->plan(many)) {
    std::size_t n = 0;
    for (const auto& f : p.subscribe) {
      CHECK(frame_streams(f).size() <= 50);
      n += frame_streams(f).size();
    }
    CHECK(n <= 200);
    total += n;
  }
  CHECK(total == 230 * 3);
}

TEST_CASE("backpack: markets listing and depth snapshot") {
  auto codec = venues::make_backpack_codec();
  const std::string markets = R"([
    {"symbol":"BTC_USDC","baseSymbol":"BTC","quoteSymbol":"USDC","marketType":"SPOT","filters":{"price":{"tickSize":"0.1"},"quantity":{"stepSize":"0.00001","minQuantity":"0.00001"}},"fundingInterval":null,"orderBookState":"Open","visible":true},
    {"symbol":"BTC_USDC_PERP","baseSymbol":"BTC","quoteSymbol":"USDC","marketType":"PERP","filters":{"price":{"minPrice":"0.1","maxPrice":null,"tickSize":"0.1","meanMarkPriceBand":{"maxMultiplier":"1.1"}},"quantity":{"minQuantity":"0.0001","maxQuantity":null,"stepSize":"0.0001"},"leverage":{"minLeverage":"1","maxLeverage":"50","stepSize":"1"}},"imfFunction":{"type":"sqrt","base":"0.02","factor":"0.00006"},"fundingInterval":28800000,"orderBookState":"Open","createdAt":"2025-01-01T00:00:00","visible":true},
    {"symbol":"kPEPE_USDC_PERP","baseSymbol":"kPEPE","quoteSymbol":"USDC","marketType":"PERP","filters":{"price":{"tickSize":"0.000001"},"quantity":{"stepSize":"1","minQuantity":"1"}},"fundingInterval":3600000,"orderBookState":"Open","visible":true},
    {"symbol":"OLD_USDC_PERP","baseSymbol":"OLD","quoteSymbol":"USDC","marketType":"PERP","filters":{"price":{"tickSize":"0.1"},"quantity":{"stepSize":"1","minQuantity":"1"}},"orderBookState":"CancelOnly","visible":true},
    {"symbol":"HID_USDC_PERP","baseSymbol":"HID","quoteSymbol":"USDC","marketType":"PERP","filters":{"price":{"tickSize":"0.1"},"quantity":{"stepSize":"1","minQuantity":"1"}},"orderBookState":"Open","visible":false},
    {"symbol":"BAD_USDC_PERP","baseSymbol":"BAD","quoteSymbol":"USDC","marketType":"PERP","filters":{"price":{"tickSize":"0"},"quantity":{"stepSize":"1"}},"orderBookState":"Open","visible":true}
  ])";
  std::vector<std::string> skipped;
  auto specs = codec->parse_instruments(std::vector<std::string>{markets}, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 2);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "backpack");
  CHECK(btc.native_symbol == "BTC_USDC_PERP");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.base == "BTC");
  CHECK(btc.quote == "USDC");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.1"));
  CHECK(btc.lot == qty("0.0001"));
  CHECK(btc.min_qty == qty("0.0001"));
  CHECK(btc.min_notional == money::zero());
  CHECK(btc.max_leverage == 50);
  CHECK(btc.funding_interval_s == 8 * 3600);
  CHECK(btc.taker_fee == codec->info().taker_fee);
  const auto& pepe = (*specs)[1];
  CHECK(pepe.base == "PEPE");
  CHECK(pepe.multiplier == ratio::from_units(1000));
  CHECK(pepe.max_leverage == 0);
  CHECK(pepe.funding_interval_s == 3600);
  REQUIRE(skipped.size() == 4);
  CHECK(skipped[0] == "BTC_USDC: not a perpetual (marketType SPOT)");
  CHECK(skipped[1] == "OLD_USDC_PERP: not trading (orderBookState CancelOnly)");
  CHECK(skipped[2] == "HID_USDC_PERP: not visible");
  CHECK(skipped[3].starts_with("BAD_USDC_PERP: "));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{R"({"code":"x","message":"y"})"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{"[1]"}));

  // bpx-api-client sample: string lastUpdateId, an emptied level; bids lowest first.
  auto s = codec->parse_snapshot("SOL_USDC", R"({"asks":[["18.70","0.000"],["18.71","3"]],"bids":[["18.60","1"],["18.67","0.832"]],"lastUpdateId":"94978271","timestamp":1694687965941000})");
  REQUIRE(s);
  CHECK(s->venue == "backpack");
  CHECK(s->symbol == "SOL_USDC");
  CHECK(s->seq == 94978271);
  CHECK(s->exchange_ts == us(1694687965941000));
  CHECK(s->bids == std::vector<book_level>{lvl("18.67", "0.832"), lvl("18.6", "1")});
  CHECK(s->asks == std::vector<book_level>{lvl("18.71", "3")});
  auto n = codec->parse_snapshot("X", R"({"asks":[],"bids":[],"lastUpdateId":94978271,"timestamp":1})");
  REQUIRE(n);
  CHECK(n->seq == 94978271);
  auto e = codec->parse_snapshot("X", R"({"code":"INVALID_CLIENT_REQUEST","message":"Invalid symbol"})");
  CHECK(e.code() == error_code::venue_unavailable);
  CHECK(e.error().message.find("Invalid symbol") != std::string::npos);
  CHECK(codec->parse_snapshot("X", R"({"asks":[],"bids":[]})").code() == error_code::parse_error);
}

TEST_CASE("backpack: U == previous u + 1 through order_book after a REST snapshot") {
  auto codec = venues::make_backpack_codec();
  auto ev = [&](uint64_t U, uint64_t u, std::string_view bid) {
    recorder h;
    REQUIRE(decode(*codec, depth(U, u, bid), h).kind == frame_kind::data);
    return h.deltas.at(0);
  };
  book_snapshot snap;
  snap.seq = 100;
  snap.bids = {lvl("10", "1")};
  snap.asks = {lvl("11", "1")};
  order_book book;
  REQUIRE(book.apply(snap) == error_code::none);
  bool first = true;
  CHECK(bridge_apply(book, ev(95, 100, R"(["10","7"])"), first) == error_code::none); // in the snapshot
  CHECK(book.best_bid() == lvl("10", "1"));
  CHECK(bridge_apply(book, ev(99, 101, R"(["10","2"])"), first) == error_code::none); // overlaps L
  CHECK(book.seq() == 101);
  CHECK(bridge_apply(book, ev(102, 104, R"(["10.5","1"])"), first) == error_code::none);
  CHECK(bridge_apply(book, ev(105, 105, R"(["10.5","0"])"), first) == error_code::none);
  CHECK(book.best_bid() == lvl("10", "2"));
  CHECK(bridge_apply(book, ev(105, 105, R"(["10","9"])"), first) == error_code::none); // duplicate
  CHECK(book.best_bid() == lvl("10", "2"));
  // An event overlapping the last one is not "previous u + 1" either.
  order_book b2 = book;
  CHECK(b2.apply(ev(104, 106, R"(["10","3"])")) == error_code::sequence_gap);
  CHECK(bridge_apply(book, ev(107, 108, R"(["10","3"])"), first) == error_code::sequence_gap);
  CHECK_FALSE(book.synced());
  // A stream that starts after L + 1: the snapshot is too old.
  order_book b3;
  REQUIRE(b3.apply(snap) == error_code::none);
  first = true;
  CHECK(bridge_apply(b3, ev(102, 103, R"(["10","3"])"), first) == error_code::sequence_gap);
}

TEST_CASE("backpack: prefixes of samples and junk never crash or emit") {
  auto codec = venues::make_backpack_codec();
  check_samples_robust(*codec, "backpack");
  check_junk(*codec, junk_rule::not_data);
  const std::string body = R"({"asks":[["18.70","1"]],"bids":[["18.67","0.832"]],"lastUpdateId":"94978271","timestamp":1694687965941000})";
  for (std::size_t n = 0; n < body.size(); ++n)
    CHECK_FALSE(codec->parse_snapshot("X", body.substr(0, n)));
}

TEST_CASE("backpack: a warm decode does not allocate") {
  auto codec = venues::make_backpack_codec();
  std::string d = R"({"data":{"E":"1754903057555305","T":"1754903057554352","U":1001,"a":[)";
  for (int k = 0; k < 10; ++k)
    d += (k ? "," : "") + std::string(R"(["117357.)") + std::to_string(k) + R"(","0.12345"])";
  d += R"(],"b":[)";
  for (int k = 0; k < 10; ++k)
    d += (k ? "," : "") + std::string(R"(["117356.)") + std::to_string(k) + R"(","0.5"])";
  d += R"(],"e":"depth","s":"BTC_USDC_PERP","u":1020},"stream":"depth.BTC_USDC_PERP"})";
  std::string t = R"({"data":{"A":"1.000","B":"2.000","E":"1694687965941000","T":"1694687965940999","a":"18.70","b":"18.67","e":"bookTicker","s":"SOL_USDC","u":"111063070525358080"},"stream":"bookTicker.SOL_USDC"})";
  std::string mk = R"({"data":{"E":1747291031914525,"T":1747291031910025,"e":"markPrice","f":"-0.0000039641039274236048482914","i":"173.44031179","n":1747296000000,"p":"173.35998175","s":"SOL_USDC_PERP"},"stream":"markPrice.SOL_USDC_PERP"})";
  struct counting final : venues::md_handler {
    std::size_t levels = 0, n = 0;
    void on_snapshot(const book_snapshot&) override {}
    void on_delta(const book_delta& x, std::optional<int32_t>) override {
      levels += x.bids.size() + x.asks.size();
    }
    void on_top(const top_of_book&) override { ++n; }
    void on_mark(const venues::mark_update&) override { ++n; }
  } h;
  venues::decode_result r;
  for (auto* f : {&d, &t, &mk})
    codec->decode(*f, 1, h, r);
  const auto before = allocations();
  for (int k = 0; k < 100; ++k)
    for (auto* f : {&d, &t, &mk})
      codec->decode(*f, 1, h, r);
  CHECK(allocations() - before == 0);
  CHECK(r.kind == frame_kind::data);
  CHECK(h.levels == 101 * 20);
  CHECK(h.n == 101 * 2);
}
