// GRVT codec: every public sample, the book gap rule through order_book,
// listing/snapshot parsing, plan, and robustness against truncated or junk
// frames.

#include <doctest/doctest.h>

#include <string>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/grvt/codec.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

/// A v1.book.d frame as GRVT sends it.
std::string book_frame(uint64_t sn, uint64_t prev, std::string_view bids, std::string_view asks,
                       std::string_view instrument = "BTC_USDT_Perp") {
  return R"({"stream":"v1.book.d","selector":")" + std::string(instrument)
         + R"(@100","sequence_number":")" + std::to_string(sn)
         + R"(","feed":{"event_time":"1767292408400000000","instrument":")"
         + std::string(instrument) + R"(","bids":[)" + std::string(bids) + R"(],"asks":[)"
         + std::string(asks) + R"(]},"prev_sequence_number":")" + std::to_string(prev) + R"("})";
}

std::string lv(std::string_view p, std::string_view s) {
  return R"({"price":")" + std::string(p) + R"(","size":")" + std::string(s)
         + R"(","num_orders":3})";
}

} // namespace

TEST_CASE("grvt: every public sample decodes to its expected kind and exact values") {
  auto codec = venues::make_grvt_codec();
  const auto samples = venue_samples("grvt");
  REQUIRE(samples.size() >= 3);
  int checked = 0;
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    recorder rec;
    const auto r = decode(*codec, s.json, rec, 99);
    if (s.kind == "ws_v1.ticker.s") {
      // Funding "0.01" is a percent: 0.01 % = 0.0001 per 8 h interval.
      REQUIRE(r.kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      const auto& m = rec.marks[0];
      CHECK(m.symbol == "BTC_USDT_Perp");
      CHECK(m.mark == px("87439.392166151"));
      CHECK(m.index == px("87462.426721779"));
      CHECK(m.rate == rt("0.0001"));
      CHECK(m.interval_s == 8 * 3600);
      CHECK(m.next_funding_ts == 1767225600000000000);
      CHECK(m.ts == 1767199535382794823);
      REQUIRE(rec.tops.size() == 1);
      const auto& t = rec.tops[0];
      CHECK(t.symbol == "BTC_USDT_Perp");
      CHECK(t.venue == "grvt");
      CHECK(t.seq == 0);
      CHECK(t.bid == lvl("87474.3", "2.435"));
      CHECK(t.ask == lvl("87474.4", "3.825"));
      CHECK(t.exchange_ts == 1767199535382794823);
      CHECK(t.recv_ts == 99);
      CHECK(rec.snapshots.empty());
      CHECK(rec.deltas.empty());
    } else if (s.kind == "ws_v1.mini.d_delta") {
      // A mini delta carries only what changed: the index price and one size
      // (no complete BBO, so no top).
      REQUIRE(r.kind == frame_kind::data);
      REQUIRE(rec.marks.size() == 1);
      CHECK(rec.marks[0].symbol == "BTC_USDT_Perp");
      CHECK(rec.marks[0].index == px("87820.929569614"));
      CHECK_FALSE(rec.marks[0].mark);
      CHECK_FALSE(rec.marks[0].rate);
      CHECK(rec.marks[0].ts == 1767198266500017753);
      CHECK(rec.tops.empty());
    } else if (s.kind == "ws_v1.trade") {
      CHECK(r.kind == frame_kind::ignored);
      CHECK(r.error.find("v1.trade") != std::string::npos);
      CHECK(rec.calls() == 0);
    } else {
      FAIL("a new grvt sample kind needs expectations: " << s.kind);
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(samples.size()));
}

TEST_CASE("grvt: percent funding converts to a fraction with one rounding") {
  ratio r;
  CHECK(venues::grvt_percent_to_fraction("0.01", r) == error_code::none);
  CHECK(r == rt("0.0001"));
  CHECK(venues::grvt_percent_to_fraction("-0.0037", r) == error_code::none);
  CHECK(r == rt("-0.000037"));
  CHECK(venues::grvt_percent_to_fraction("1.5e-3", r) == error_code::none);
  CHECK(r == rt("0.000015"));
  CHECK(venues::grvt_percent_to_fraction("0.00012345678912", r) == error_code::none);
  CHECK(r == rt("0.000001235")); // 1.2345678912e-6 rounded to 9 decimals
  CHECK(venues::grvt_percent_to_fraction("", r) == error_code::parse_error);
  CHECK(venues::grvt_percent_to_fraction("abc", r) != error_code::none);
  CHECK(venues::grvt_percent_to_fraction("1e", r) != error_code::none);
}

TEST_CASE("grvt: v1.book.d snapshot then deltas follow prev_sequence_number through order_book") {
  auto codec = venues::make_grvt_codec();
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

  // Opening snapshot: sequence_number "0".
  REQUIRE(feed(book_frame(0, 0, lv("100.0", "1") + "," + lv("99.5", "2"),
                          lv("100.5", "1.5") + "," + lv("101", "3")))
          == error_code::none);
  CHECK(rec.snapshots[0].seq == 0);
  CHECK(rec.snapshots[0].bids.size() == 2);
  CHECK(rec.snapshots[0].asks.back() == lvl("101", "3"));
  CHECK(rec.snapshots[0].exchange_ts == 1767292408400000000);
  CHECK(book.synced());

  // First delta after it: handed over with prev 0 / first 1 (see codec.hpp).
  CHECK(feed(book_frame(1001, 1000, lv("100.0", "4"), "")) == error_code::none);
  CHECK(rec.deltas[0].prev_seq == 0);
  CHECK(rec.deltas[0].first_seq == 1);
  CHECK(rec.deltas[0].seq == 1001);
  CHECK(book.best_bid()->qty == qty("4"));

  // Continuous: prev == last sequence_number.
  CHECK(feed(book_frame(1002, 1001, "", lv("100.5", "0"))) == error_code::none);
  CHECK(rec.deltas[0].prev_seq == 1001);
  CHECK(rec.deltas[0].first_seq == 0);
  CHECK(book.best_ask()->px == px("101"));
  CHECK(book.seq() == 1002);

  // Duplicate and old messages are ignored (nothing applied).
  CHECK(feed(book_frame(1002, 1001, lv("100.0", "9"), "")) == error_code::none);
  CHECK(feed(book_frame(1001, 1000, lv("100.0", "9"), "")) == error_code::none);
  CHECK(book.best_bid()->qty == qty("4"));
  CHECK(book.seq() == 1002);

  // A skipped message is a gap.
  CHECK(feed(book_frame(1004, 1003, lv("100.0", "5"), "")) == error_code::sequence_gap);
  CHECK_FALSE(book.synced());

  // Heal: resubscribe (unsubscribe + subscribe), a new snapshot, go on.
  const auto frames = codec->resubscribe_book("BTC_USDT_Perp");
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].find(R"("method":"unsubscribe")") != std::string::npos);
  CHECK(frames[1].find(R"("method":"subscribe")") != std::string::npos);
  CHECK(frames[1].find(R"("stream":"v1.book.d")") != std::string::npos);
  CHECK(frames[1].find(R"("selectors":["BTC_USDT_Perp@100"])") != std::string::npos);
  REQUIRE(feed(book_frame(0, 0, lv("100.0", "5"), lv("100.5", "1"))) == error_code::none);
  CHECK(feed(book_frame(1005, 1004, lv("99.9", "1"), "")) == error_code::none);
  CHECK(feed(book_frame(1006, 1005, lv("99.8", "1"), "")) == error_code::none);
  // A wrong prev after the hand-over is caught too.
  CHECK(feed(book_frame(1008, 1005, lv("99.7", "1"), "")) == error_code::sequence_gap);
}

TEST_CASE("grvt: book states are per instrument; v1.book.s frames are snapshots") {
  auto codec = venues::make_grvt_codec();
  recorder rec;
  REQUIRE(decode(*codec, book_frame(0, 0, lv("1", "1"), lv("2", "1"), "ETH_USDT_Perp"), rec).kind
          == frame_kind::data);
  REQUIRE(decode(*codec, book_frame(0, 0, lv("1", "1"), lv("2", "1")), rec).kind
          == frame_kind::data);
  rec.clear();
  // ETH's first delta is its hand-over even though BTC's snapshot came later.
  REQUIRE(decode(*codec, book_frame(50, 49, lv("1", "2"), "", "ETH_USDT_Perp"), rec).kind
          == frame_kind::data);
  CHECK(rec.deltas[0].first_seq == 1);
  CHECK(rec.deltas[0].symbol == "ETH_USDT_Perp");
  REQUIRE(decode(*codec, book_frame(51, 50, lv("1", "2"), "", "ETH_USDT_Perp"), rec).kind
          == frame_kind::data);
  CHECK(rec.deltas[1].prev_seq == 50);

  rec.clear();
  std::string s = book_frame(77, 76, lv("10", "1"), lv("11", "2"));
  s.replace(s.find("v1.book.d"), 9, "v1.book.s");
  REQUIRE(decode(*codec, s, rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 1);
  CHECK(rec.snapshots[0].seq == 77);

  // The feed may come before the stream name: read after a rewind.
  rec.clear();
  const std::string reordered =
    R"({"feed":{"instrument":"SOL_USDT_Perp","bids":[{"price":"150.1","size":"2","num_orders":1}],"asks":[]},"sequence_number":"0","stream":"v1.book.d","selector":"SOL_USDT_Perp@100"})";
  REQUIRE(decode(*codec, reordered, rec).kind == frame_kind::data);
  REQUIRE(rec.snapshots.size() == 1);
  CHECK(rec.snapshots[0].symbol == "SOL_USDT_Perp");
  CHECK(rec.snapshots[0].bids == std::vector<book_level>{lvl("150.1", "2")});
}

TEST_CASE("grvt: acks, errors and control frames") {
  auto codec = venues::make_grvt_codec();
  recorder rec;
  auto r = decode(*codec,
                  R"({"jsonrpc":"2.0","result":{"stream":"v1.mini.d","subs":["BTC_USDT_Perp@500"],"unsubs":[],"num_snapshots":[1],"first_sequence_number":["1061214"],"latest_sequence_number":["1061213"]},"id":1,"method":"subscribe"})",
                  rec);
  CHECK(r.kind == frame_kind::ack);
  r = decode(*codec,
             R"({"jsonrpc":"2.0","error":{"code":3000,"message":"Instrument is invalid"},"id":1,"method":"subscribe"})",
             rec);
  CHECK(r.kind == frame_kind::error);
  CHECK(r.error == "grvt error 3000: Instrument is invalid");
  r = decode(*codec, R"({"stream":"v1.mini.s","subs":["BTC_USDT_Perp@500"],"unsubs":[]})", rec);
  CHECK(r.kind == frame_kind::ack); // legacy (non JSON-RPC) acknowledgement
  r = decode(*codec, R"({"stream":"v1.candle","selector":"BTC_USDT_Perp@CI_1_M-TRADE","sequence_number":"0","feed":{}})", rec);
  CHECK(r.kind == frame_kind::ignored);
  r = decode(*codec, R"({"hello":"world"})", rec);
  CHECK(r.kind == frame_kind::ignored);
  r = decode(*codec, R"({"stream":"v1.book.d","selector":"X@100","sequence_number":"3"})", rec);
  CHECK(r.kind == frame_kind::malformed);
  CHECK(r.error == "feed missing");
  r = decode(*codec, book_frame(5, 4, R"({"price":"-1","size":"1"})", ""), rec);
  CHECK(r.kind == frame_kind::malformed);
  r = decode(*codec, book_frame(5, 4, R"({"price":"1","size":"-1"})", ""), rec);
  CHECK(r.kind == frame_kind::malformed);
  r = decode(*codec, book_frame(5, 4, R"({"price":"1"})", ""), rec);
  CHECK(r.kind == frame_kind::malformed);
  CHECK(rec.calls() == 0);
}

TEST_CASE("grvt: instrument listing, REST book, info and plan") {
  auto codec = venues::make_grvt_codec();
  const auto& info = codec->info();
  CHECK(info.name == "grvt");
  CHECK(info.sync == venues::sync_mode::in_band);
  CHECK(info.ws_mainnet == "wss://market-data.grvt.io");
  CHECK(info.rest_testnet == "https://market-data.testnet.grvt.io");
  CHECK(info.heartbeat.ws_ping_frames);
  CHECK(info.taker_fee == rt("0.00045"));

  const auto reqs = codec->instruments_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].target == "/full/v1/all_instruments");
  CHECK(reqs[0].body == R"({"is_active":true})");

  // The ccxt-documented listing shape, plus entries that must be skipped.
  const std::string body = R"({"result":[
    {"instrument":"BTC_USDT_Perp","instrument_hash":"0x030501","base":"BTC","quote":"USDT","kind":"PERPETUAL","venues":["ORDERBOOK","RFQ"],"settlement_period":"PERPETUAL","base_decimals":9,"quote_decimals":6,"tick_size":"0.1","min_size":"0.001","create_time":"1768040726362828205","max_position_size":"1000.0","funding_interval_hours":8,"adjusted_funding_rate_cap":"0.3","adjusted_funding_rate_floor":"-0.3","min_notional":"100.0"},
    {"instrument":"AAVE_USDT_Perp","base":"AAVE","quote":"USDT","kind":"PERPETUAL","venues":["ORDERBOOK"],"base_decimals":"9","tick_size":"0.01","min_size":"0.1","funding_interval_hours":"4"},
    {"instrument":"1000PEPE_USDT_Perp","kind":"PERPETUAL","tick_size":"0.0000001","min_size":"1"},
    {"instrument":"BTC_USDT_Fut_20Oct23","kind":"FUTURE","tick_size":"0.1","min_size":"0.001"},
    {"instrument":"ETH_USDT_Perp","kind":"PERPETUAL","venues":["RFQ"],"tick_size":"0.01","min_size":"0.01"},
    {"instrument":"BAD_USDT_Perp","kind":"PERPETUAL","tick_size":"zero","min_size":"0.01"},
    {"instrument":"WEIRD","kind":"PERPETUAL","tick_size":"0.01","min_size":"0.01"}
  ]})";
  std::vector<std::string> skipped;
  auto specs = codec->parse_instruments(std::vector<std::string>{body}, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  const auto& btc = (*specs)[0];
  CHECK(btc.venue == "grvt");
  CHECK(btc.native_symbol == "BTC_USDT_Perp");
  CHECK(btc.symbol == "BTC-PERP");
  CHECK(btc.base == "BTC");
  CHECK(btc.quote == "USDT");
  CHECK(btc.multiplier == ratio::from_units(1));
  CHECK(btc.tick == px("0.1"));
  CHECK(btc.lot == qty("0.001"));
  CHECK(btc.min_qty == qty("0.001"));
  CHECK(btc.min_notional == mon("100"));
  CHECK(btc.funding_interval_s == 8 * 3600);
  CHECK(btc.max_leverage == 0);
  CHECK(btc.maker_fee == ratio::zero());
  CHECK((*specs)[1].funding_interval_s == 4 * 3600);
  CHECK((*specs)[1].min_notional == money::zero());
  CHECK((*specs)[2].multiplier == ratio::from_units(1000));
  CHECK((*specs)[2].symbol == "PEPE-PERP");
  REQUIRE(skipped.size() == 4);
  CHECK(skipped[0] == "BTC_USDT_Fut_20Oct23: kind FUTURE is not a perpetual");
  CHECK(skipped[1] == "ETH_USDT_Perp: not traded on the order book");
  CHECK(skipped[2] == "BAD_USDT_Perp: bad tick_size 'zero'");
  CHECK(skipped[3] == "WEIRD: symbol not recognised");

  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{
    R"({"code":1001,"message":"InternalServerErr","status":500})"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{"not json"}));
  CHECK_FALSE(codec->parse_instruments(std::vector<std::string>{}));

  const auto sreq = codec->snapshot_request("BTC_USDT_Perp");
  CHECK(sreq.method == "POST");
  CHECK(sreq.target == "/full/v1/book");
  CHECK(sreq.body == R"({"instrument":"BTC_USDT_Perp","depth":500})");
  const std::string book =
    R"({"result":{"event_time":"1764777396650000000","instrument":"BTC_USDT_Perp","bids":[{"price":"92336.0","size":"0.005","num_orders":"1"},{"price":"92335.9","size":"1.2","num_orders":"4"}],"asks":[{"price":"92336.1","size":"5.711","num_orders":"37"}]}})";
  auto snap = codec->parse_snapshot("BTC_USDT_Perp", book);
  REQUIRE(snap);
  CHECK(snap->venue == "grvt");
  CHECK(snap->symbol == "BTC_USDT_Perp");
  CHECK(snap->seq == 0); // full/v1/book has no sequence number
  CHECK(snap->exchange_ts == 1764777396650000000);
  CHECK(snap->bids == std::vector<book_level>{lvl("92336.0", "0.005"), lvl("92335.9", "1.2")});
  CHECK(snap->asks == std::vector<book_level>{lvl("92336.1", "5.711")});
  CHECK(codec->parse_snapshot("ETH_USDT_Perp", book).code() == error_code::unknown_symbol);
  CHECK_FALSE(codec->parse_snapshot("BTC_USDT_Perp", R"({"code":3000,"message":"Instrument is invalid","status":400})"));

  // Plan: three selectors per instrument, chunked by the stream cap.
  std::vector<std::string> natives;
  for (int i = 0; i < 120; ++i)
    natives.push_back(std::string("C").append(std::to_string(i)).append("_USDT_Perp"));
  const auto plan = codec->plan(natives);
  const std::size_t per_conn = info.max_streams_per_connection / 3;
  REQUIRE(plan.size() == (natives.size() + per_conn - 1) / per_conn);
  std::size_t selectors = 0;
  for (const auto& p : plan) {
    CHECK(p.target == "/ws/full");
    CHECK(p.books);
    REQUIRE(p.subscribe.size() == 3);
    CHECK(p.subscribe[0].find(R"("stream":"v1.book.d")") != std::string::npos);
    CHECK(p.subscribe[1].find(R"("stream":"v1.ticker.s")") != std::string::npos);
    CHECK(p.subscribe[2].find(R"("stream":"v1.mini.s")") != std::string::npos);
    for (const auto& f : p.subscribe)
      for (std::size_t pos = f.find('@'); pos != std::string::npos; pos = f.find('@', pos + 1))
        ++selectors;
  }
  CHECK(selectors == natives.size() * 3);
  CHECK(plan[0].subscribe[0].starts_with(
    R"({"jsonrpc":"2.0","method":"subscribe","params":{"stream":"v1.book.d","selectors":["C0_USDT_Perp@100",)"));
}

TEST_CASE("grvt: no prefix of a sample and no junk frame yields data or crashes") {
  auto codec = venues::make_grvt_codec();
  std::vector<std::string> frames;
  for (const auto& s : venue_samples("grvt"))
    frames.push_back(s.json);
  frames.push_back(book_frame(0, 0, lv("100", "1"), lv("101", "1")));
  frames.push_back(book_frame(12, 11, lv("100", "1"), lv("101", "1")));
  for (const auto& f : frames) {
    check_prefixes(*codec, f);
    check_mutations(*codec, f);
  }
  check_junk(*codec);
}
