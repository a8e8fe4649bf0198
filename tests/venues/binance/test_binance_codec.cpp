// Binance USD-M codec: every public sample, control frames, listing and
// snapshot parsing, stream plan, the pu/U/u gap rule through order_book,
// robustness and allocation-free decoding.

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "tests/venues/binance/venue_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/binance/binance_style.hpp"
#include "venues/binance/codec.hpp"

using namespace xarb;
using namespace xarb::test;
using venues::frame_kind;

namespace {


std::string fmt_frame(uint64_t U, uint64_t u, uint64_t pu, std::string_view bid) {
  return R"({"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":)" + std::to_string(U)
         + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" + std::to_string(pu) + R"(,"b":[)"
         + std::string{bid} + R"(],"a":[]})";
}

} // namespace

TEST_CASE("binance: every public sample decodes to its exact values") {
  auto codec = venues::make_binance_codec();
  const auto samples = venue_samples("binance");
  REQUIRE(samples.size() >= 3);
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    recorder h;
    const auto r = decode(*codec, s.json, h, 42);
    REQUIRE(r.kind == frame_kind::data);
    if (s.kind == "ws_depthUpdate") {
      REQUIRE(h.deltas.size() == 1);
      const auto& d = h.deltas[0];
      CHECK(d.venue == "binance");
      CHECK(d.symbol == "BTCUSDT");
      CHECK(d.first_seq == 157);
      CHECK(d.seq == 160);
      CHECK(d.prev_seq == 149);
      CHECK(d.exchange_ts == ms(123456788)); // T (transaction time)
      CHECK(d.recv_ts == 42);
      CHECK(d.bids == std::vector<book_level>{lvl("0.0024", "10")});
      CHECK(d.asks == std::vector<book_level>{lvl("0.0026", "100")});
    } else if (s.kind == "ws_markPriceUpdate") {
      REQUIRE(h.marks.size() == 1);
      const auto& m = h.marks[0];
      CHECK(m.symbol == "BTCUSDT");
      CHECK(m.mark == px("11794.15"));
      CHECK(m.index == px("11784.62659091"));
      CHECK(m.rate == rt("0.00038167"));
      CHECK(m.interval_s == 0);
      CHECK(m.next_funding_ts == ms(1562306400000));
      CHECK(m.ts == ms(1562305380000));
    } else if (s.kind == "ws_bookTicker") {
      REQUIRE(h.tops.size() == 1);
      const auto& t = h.tops[0];
      CHECK(t.venue == "binance");
      CHECK(t.symbol == "BNBUSDT");
      CHECK(t.seq == 400900217);
      CHECK(t.bid == lvl("25.3519", "31.21"));
      CHECK(t.ask == lvl("25.3652", "40.66"));
      CHECK(t.exchange_ts == ms(1568014460891));
      CHECK(t.recv_ts == 42);
    } else {
      FAIL("new binance sample kind: add its expected values here");
    }
  }
}

TEST_CASE("binance: combined-stream wrapper, acks, errors and unknown events") {
  auto codec = venues::make_binance_codec();
  recorder h;
  const auto depth = venue_sample_of("binance", "ws_depthUpdate").json;
  auto r = decode(*codec, R"({"stream":"btcusdt@depth@100ms","data":)" + depth + "}", h);
  REQUIRE(r.kind == frame_kind::data);
  REQUIRE(h.deltas.size() == 1);
  CHECK(h.deltas[0].seq == 160);
  CHECK(h.deltas[0].prev_seq == 149);

  CHECK(decode(*codec, R"({"result":null,"id":1})", h).kind == frame_kind::ack);
  CHECK(decode(*codec, R"({"result":["btcusdt@depth"],"id":3})", h).kind == frame_kind::ack);
  r = decode(*codec, R"({"code":2,"msg":"Invalid request: unknown variant","id":1})", h);
  CHECK(r.kind == frame_kind::error);
  CHECK(r.error.find("Invalid request") != std::string::npos);
  r = decode(*codec, R"({"error":{"code":2,"msg":"bad stream"},"id":4})", h);
  CHECK(r.kind == frame_kind::error);
  CHECK(r.error.find("bad stream") != std::string::npos);
  r = decode(*codec, R"({"e":"aggTrade","E":1,"s":"BTCUSDT","p":"1","q":"2"})", h);
  CHECK(r.kind == frame_kind::ignored);
  CHECK(r.error.find("aggTrade") != std::string::npos);
  CHECK(decode(*codec, "{}", h).kind == frame_kind::ignored);
  CHECK(decode(*codec, "not json", h).kind == frame_kind::malformed);
  CHECK(h.calls() == 1);

  // Contracts without funding send "r":"": mark only.
  h.clear();
  r = decode(*codec, R"({"e":"markPriceUpdate","E":5,"s":"BTCUSDT_250328","p":"1.5","i":"1.4","P":"1.4","r":"","T":0})", h);
  REQUIRE(r.kind == frame_kind::data);
  CHECK(h.marks[0].mark == px("1.5"));
  CHECK_FALSE(h.marks[0].rate.has_value());
  CHECK(h.marks[0].next_funding_ts == 0);
  // A funding rate with more than 9 decimals is rounded to nearest.
  r = decode(*codec, R"({"e":"markPriceUpdate","E":5,"s":"X","p":"1","r":"0.0001875391284828","T":1})", h);
  REQUIRE(r.kind == frame_kind::data);
  CHECK(h.marks.back().rate == rt("0.000187539"));
  // Missing pieces are malformed, not guessed.
  CHECK(decode(*codec, R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":0,"b":[]})", h).kind
        == frame_kind::malformed);
  CHECK(decode(*codec, R"({"e":"bookTicker","s":"X","b":"1","B":"1","a":"2"})", h).kind
        == frame_kind::malformed);
}

TEST_CASE("binance: level arrays in every JSON spelling, exact or rejected") {
  auto codec = venues::make_binance_codec();
  auto levels = [&](std::string_view b) -> std::optional<std::vector<book_level>> {
    recorder h;
    const auto r = decode(*codec,
                          R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"pu":0,"a":[],"b":)"
                            + std::string{b} + "}",
                          h);
    if (r.kind != frame_kind::data)
      return std::nullopt;
    return h.deltas.at(0).bids;
  };
  using L = std::vector<book_level>;
  CHECK(levels("[]") == L{});
  CHECK(levels(" [ ] ") == L{});
  CHECK(levels(R"([ [ "1.5" , "2" , 3 ] ,
                    [1e-1,2.50, "x"],["-0.5","0"] ])")
        == L{lvl("1.5", "2"), lvl("0.1", "2.5"), lvl("-0.5", "0")});
  CHECK(levels(R"([["27450.123456789","0.000000001"]])") == L{lvl("27450.123456789", "0.000000001")});
  CHECK(levels(R"([["1.1234567890","1"]])") == L{lvl("1.123456789", "1")}); // zero 10th decimal
  CHECK(levels(R"([["9223372036.854775807","1"]])") == L{{price::max(), qty("1")}});
  CHECK(levels(R"([[".5","5."]])") == L{lvl("0.5", "5")});
  CHECK_FALSE(levels(R"([["1.1234567891","1"]])"));   // not exact at 9 decimals
  CHECK_FALSE(levels(R"([["12345678901","1"]])"));    // out of range
  CHECK_FALSE(levels(R"([["9223372036.854775808","1"]])"));
  CHECK_FALSE(levels(R"([[" 1","1"]])"));
  CHECK_FALSE(levels(R"([["1\u0030","1"]])")); // escapes never occur in decimals
  CHECK_FALSE(levels(R"([["1","1"],])"));
  CHECK_FALSE(levels(R"([[]])"));
  CHECK_FALSE(levels(R"([["1"]])"));
  CHECK_FALSE(levels(R"([["1","1",[2]]])"));
  CHECK_FALSE(levels(R"([["1","1"]"x"])"));
  CHECK_FALSE(levels(R"([{"p":"1","q":"1"}])"));
  CHECK_FALSE(levels(R"([["1",null]])"));
  CHECK_FALSE(levels(R"([["abc","1"]])"));
  CHECK_FALSE(levels(R"(["1","1"])"));
}

TEST_CASE("binance: info, requests and stream plan") {
  auto codec = venues::make_binance_codec();
  const auto& i = codec->info();
  CHECK(i.name == "binance");
  CHECK(i.sync == venues::sync_mode::rest_bridge);
  CHECK(i.ws_mainnet == "wss://fstream.binance.com");
  CHECK(i.rest_mainnet == "https://fapi.binance.com");
  CHECK(i.max_streams_per_connection == 1024);
  CHECK(i.heartbeat.ws_ping_frames);
  CHECK(i.taker_fee == rt("0.0005"));
  const auto reqs = codec->instruments_requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].target == "/fapi/v1/exchangeInfo");
  CHECK(reqs[1].target == "/fapi/v1/fundingInfo");
  CHECK(codec->snapshot_request("BTCUSDT").target == "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
  CHECK(codec->resubscribe_book("BTCUSDT").empty());

  std::vector<std::string> few{"BTCUSDT", "1000PEPEUSDT"};
  auto plans = codec->plan(few);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].target == "/public/stream");
  CHECK(plans[0].books);
  CHECK(plans[0].subscribe == std::vector<std::string>{
          R"({"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@bookTicker","1000pepeusdt@depth@100ms","1000pepeusdt@bookTicker"],"id":1})"});
  CHECK(plans[1].target == "/market/stream");
  CHECK_FALSE(plans[1].books);
  CHECK(plans[1].subscribe == std::vector<std::string>{
          R"({"method":"SUBSCRIBE","params":["btcusdt@markPrice@1s","1000pepeusdt@markPrice@1s"],"id":1})"});

  // Many symbols: stream caps per connection and params per frame hold.
  std::vector<std::string> many;
  for (int k = 0; k < 1100; ++k)
    many.push_back("S" + std::to_string(k) + "USDT");
  plans = codec->plan(many);
  std::size_t book_conns = 0, mark_conns = 0;
  std::set<std::string> streams;
  for (const auto& p : plans) {
    std::size_t n = 0;
    for (const auto& f : p.subscribe) {
      const auto names = frame_streams(f);
      CHECK(names.size() <= 50);
      streams.insert(names.begin(), names.end());
      n += names.size();
    }
    CHECK(n <= 1024);
    (p.books ? book_conns : mark_conns)++;
  }
  CHECK(book_conns == 3); // 512 symbols x 2 streams per connection
  CHECK(mark_conns == 2);
  CHECK(streams.size() == 1100 * 3);
  CHECK(streams.contains("s1099usdt@depth@100ms"));
  CHECK(streams.contains("s0usdt@markPrice@1s"));
}

TEST_CASE("binance: exchangeInfo listing with funding intervals and skips") {
  auto codec = venues::make_binance_codec();
  const std::string info = R"({"timezone":"UTC","serverTime":1,"symbols":[
    {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,
     "filters":[{"filterType":"PRICE_FILTER","minPrice":"556.80","maxPrice":"4529764","tickSize":"0.10"},{"minQty":"0.001","stepSize":"0.001","filterType":"LOT_SIZE","maxQty":"1000"},{"filterType":"MARKET_LOT_SIZE","stepSize":"0.01","minQty":"0.01"},{"filterType":"MAX_NUM_ORDERS","limit":200},{"filterType":"MIN_NOTIONAL","notional":"100"}]},
    {"symbol":"BTCUSDT_250328","contractType":"CURRENT_QUARTER","status":"TRADING","quoteAsset":"USDT","filters":[]},
    {"symbol":"OLDUSDT","contractType":"PERPETUAL","status":"SETTLING","quoteAsset":"USDT","filters":[]},
    {"symbol":"ETHBTC","contractType":"PERPETUAL","status":"TRADING","quoteAsset":"BTC","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.01"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"}]},
    {"symbol":"NOTICKUSDT","contractType":"PERPETUAL","status":"TRADING","quoteAsset":"USDT","filters":[{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"}]},
    {"symbol":"1000PEPEUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"1000PEPE","quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.0000001"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"},{"filterType":"MIN_NOTIONAL","notional":"5"}]},
    {"symbol":"BTCUSDC","contractType":"PERPETUAL","status":"TRADING","quoteAsset":"USDC","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.1"},{"filterType":"LOT_SIZE","stepSize":"0.001","minQty":"0.002"}]}
  ]})";
  const std::string funding = R"([{"symbol":"1000PEPEUSDT","adjustedFundingRateCap":"0.02","adjustedFundingRateFloor":"-0.02","fundingIntervalHours":4,"disclaimer":false},{"symbol":"GONEUSDT","fundingIntervalHours":1}])";
  std::vector<std::string> skipped;
  const std::vector<std::string> bodies{info, funding};
  auto specs = codec->parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "binance");
  CHECK(btc.native_symbol == "BTCUSDT");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.base == "BTC");
  CHECK(btc.quote == "USDT");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.1"));
  CHECK(btc.lot == qty("0.001"));
  CHECK(btc.min_qty == qty("0.001"));
  CHECK(btc.min_notional == mon("100"));
  CHECK(btc.maker_fee == rt("0.0002"));
  CHECK(btc.taker_fee == rt("0.0005"));
  CHECK(btc.max_leverage == 0);
  CHECK(btc.funding_interval_s == 8 * 3600);
  const auto& pepe = (*specs)[1];
  CHECK(pepe.native_symbol == "1000PEPEUSDT");
  CHECK(pepe.base == "PEPE");
  CHECK(pepe.symbol == "PEPE-PERP");
  CHECK(pepe.multiplier == ratio::from_units(1000));
  CHECK(pepe.tick == px("0.0000001"));
  CHECK(pepe.funding_interval_s == 4 * 3600);
  CHECK((*specs)[2].quote == "USDC");
  CHECK((*specs)[2].min_notional == money::zero());
  REQUIRE(skipped.size() == 4);
  CHECK(skipped[0] == "BTCUSDT_250328: not a perpetual (contractType CURRENT_QUARTER)");
  CHECK(skipped[1] == "OLDUSDT: not trading (status SETTLING)");
  CHECK(skipped[2].starts_with("ETHBTC: "));
  CHECK(skipped[3].starts_with("NOTICKUSDT: "));

  // Without the fundingInfo body every interval is 8 h.
  auto only = codec->parse_instruments(std::vector<std::string>{info});
  REQUIRE(only);
  CHECK((*only)[1].funding_interval_s == 8 * 3600);
  // Not the expected documents.
  CHECK(codec->parse_instruments(std::vector<std::string>{R"({"code":-1003,"msg":"Too many requests"})"})
          .code() == error_code::parse_error);
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{"[1,2]"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{info, "{}"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{}));
}

TEST_CASE("binance: REST depth snapshot") {
  auto codec = venues::make_binance_codec();
  auto s = codec->parse_snapshot(
    "BTCUSDT",
    R"({"lastUpdateId":1027024,"E":1589436922972,"T":1589436922959,"bids":[["4.00000000","431.00000000"],["3.9","0.00000000"],["3.8","1"]],"asks":[["4.00000200","12.00000000"],["4.1","2"]]})");
  REQUIRE(s);
  CHECK(s->venue == "binance");
  CHECK(s->symbol == "BTCUSDT");
  CHECK(s->seq == 1027024);
  CHECK(s->exchange_ts == ms(1589436922959));
  CHECK(s->bids == std::vector<book_level>{lvl("4", "431"), lvl("3.8", "1")}); // empty level dropped
  CHECK(s->asks == std::vector<book_level>{lvl("4.000002", "12"), lvl("4.1", "2")});
  order_book ob;
  CHECK(ob.apply(*s) == error_code::none);

  auto err = codec->parse_snapshot("NOPE", R"({"code":-1121,"msg":"Invalid symbol."})");
  CHECK(err.code() == error_code::unknown_symbol);
  CHECK(err.error().message.find("Invalid symbol.") != std::string::npos);
  CHECK(codec->parse_snapshot("X", R"({"bids":[],"asks":[]})").code() == error_code::parse_error);
  CHECK(codec->parse_snapshot("X", R"({"lastUpdateId":1,"bids":[["1"]],"asks":[]})").code()
        == error_code::parse_error);
  CHECK(codec->parse_snapshot("X", "<html>").code() == error_code::parse_error);
}

TEST_CASE("binance: pu/U/u gap rule through order_book after a REST snapshot") {
  auto codec = venues::make_binance_codec();
  recorder h;
  auto ev = [&](uint64_t U, uint64_t u, uint64_t pu, std::string_view bids) {
    h.clear();
    const auto r = decode(*codec, fmt_frame(U, u, pu, bids), h);
    REQUIRE(r.kind == frame_kind::data);
    return h.deltas.at(0);
  };
  order_book book;
  book_snapshot snap;
  snap.seq = 100;
  snap.bids = {lvl("10", "1")};
  snap.asks = {lvl("11", "1")};
  REQUIRE(book.apply(snap) == error_code::none);
  bool first = true;
  // Older than the snapshot: dropped; the first newer one overlaps L.
  CHECK(bridge_apply(book, ev(90, 95, 89, R"(["10","5"])"), first) == error_code::none);
  CHECK(book.seq() == 100);
  CHECK(bridge_apply(book, ev(98, 103, 95, R"(["10","2"])"), first) == error_code::none);
  CHECK(book.seq() == 103);
  CHECK(book.best_bid() == lvl("10", "2"));
  CHECK(bridge_apply(book, ev(104, 106, 103, R"(["10.5","1"])"), first) == error_code::none);
  CHECK(book.best_bid() == lvl("10.5", "1"));
  // A duplicate is ignored.
  CHECK(bridge_apply(book, ev(104, 106, 103, R"(["10.5","9"])"), first) == error_code::none);
  CHECK(book.best_bid() == lvl("10.5", "1"));
  // Skipped event: pu != last u.
  CHECK(bridge_apply(book, ev(110, 112, 108, R"(["10","3"])"), first) == error_code::sequence_gap);
  CHECK_FALSE(book.synced());

  // A first event that starts after L + 1 cannot be bridged.
  order_book b2;
  REQUIRE(b2.apply(snap) == error_code::none);
  first = true;
  CHECK(bridge_apply(b2, ev(105, 107, 104, R"(["10","3"])"), first) == error_code::sequence_gap);
}

TEST_CASE("binance: prefixes of samples and junk never crash or emit") {
  auto codec = venues::make_binance_codec();
  check_samples_robust(*codec, "binance");
  check_junk(*codec, junk_rule::not_data);
  // REST parsers survive prefixes too.
  const std::string body = R"({"lastUpdateId":5,"E":1,"T":2,"bids":[["1.5","2"]],"asks":[["1.6","3"]]})";
  for (std::size_t n = 0; n < body.size(); ++n)
    CHECK_FALSE(codec->parse_snapshot("X", body.substr(0, n)));
}

TEST_CASE("binance: a warm decode does not allocate") {
  auto codec = venues::make_binance_codec();
  std::string depth = R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1754903057600,"T":1754903057555,"s":"BTCUSDT","U":1001,"u":1020,"pu":1000,"b":[)";
  for (int k = 0; k < 10; ++k)
    depth += (k ? "," : "") + std::string(R"(["27450.)") + std::to_string(10 + k) + R"(","1.25"])";
  depth += R"(],"a":[)";
  for (int k = 0; k < 10; ++k)
    depth += (k ? "," : "") + std::string(R"(["27451.)") + std::to_string(10 + k) + R"(","0.5"])";
  depth += "]}}";
  std::string ticker = venue_sample_of("binance", "ws_bookTicker").json;
  std::string mark = venue_sample_of("binance", "ws_markPriceUpdate").json;
  struct counting final : venues::md_handler {
    std::size_t levels = 0, n = 0;
    void on_snapshot(const book_snapshot&) override {}
    void on_delta(const book_delta& d, std::optional<int32_t>) override {
      levels += d.bids.size() + d.asks.size();
    }
    void on_top(const top_of_book&) override { ++n; }
    void on_mark(const venues::mark_update&) override { ++n; }
  } h;
  venues::decode_result r;
  r.error.reserve(64);
  for (auto* f : {&depth, &ticker, &mark}) // warm up: parser buffers, scratch vectors, padding
    codec->decode(*f, 1, h, r);
  const auto before = allocations();
  for (int k = 0; k < 100; ++k)
    for (auto* f : {&depth, &ticker, &mark}) {
      codec->decode(*f, 1, h, r);
      if (r.kind != frame_kind::data)
        break;
    }
  const auto after = allocations();
  CHECK(r.kind == frame_kind::data);
  CHECK(after - before == 0);
  CHECK(h.levels == 101 * 20);
  CHECK(h.n == 101 * 2);
  { // the counter is live: a cold codec does allocate
    auto cold = venues::make_binance_codec();
    cold->decode(depth, 1, h, r);
  }
  CHECK(allocations() > after);
}
